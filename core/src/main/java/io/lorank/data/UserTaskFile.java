package io.lorank.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lorank.LorankException;
import io.lorank.text.LabelVerbalizer;
import io.lorank.text.PromptTemplate;
import io.lorank.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A user task defined in a YAML or JSON file. Paths are relative to the file's folder. Example:
 * <pre>
 * name: my-sentiment
 * format: tsv            # tsv | csv | jsonl
 * header: true           # tsv only
 * columns: {text: 0, label: 1}          # tsv/csv: column indices (negative = from the end); jsonl: field names
 * files: {train: train.tsv, dev: dev.tsv, test: test.tsv}   # dev, test optional
 * labels: ["0", "1"]
 * template: "*cls**sent_0*_It_was*mask*.*sep+*"
 * label_words: [terrible, great]                   # optional (MLM prompt head)
 * label_descriptions: ["It was terrible.", "It was great."]   # optional (embedding prompt head)
 * metric: accuracy       # accuracy | f1 | mcc
 * </pre>
 */
public final class UserTaskFile {
    /** The file's schema; unknown keys are rejected. */
    public record Spec(String name, String format, Boolean header, Map<String, Object> columns,
                       Map<String, String> files, List<String> labels, String template,
                       @JsonProperty("label_words") List<String> labelWords,
                       @JsonProperty("label_descriptions") List<String> labelDescriptions, String metric) {
    }

    private UserTaskFile() {
    }

    public static boolean looksLikeFile(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    public static Task load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LorankException(file + ": task file not found");
        }
        boolean json = file.toString().toLowerCase(Locale.ROOT).endsWith(".json");
        ObjectMapper mapper = (json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory()))
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        Spec s;
        try {
            s = mapper.readValue(file.toFile(), Spec.class);
        } catch (UnrecognizedPropertyException e) {
            throw new LorankException(file + ": unknown key '" + e.getPropertyName() + "'; allowed: name, format, "
                    + "header, columns, files, labels, template, label_words, label_descriptions, metric");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw Json.error(file.toString(), e);
        } catch (IOException e) {
            throw new LorankException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (s == null) {
            throw new LorankException(file + ": empty task file");
        }
        require(file, "name", s.name());
        require(file, "format", s.format());
        require(file, "files", s.files());
        require(file, "labels", s.labels());
        require(file, "template", s.template());
        require(file, "columns", s.columns());
        String fmt = s.format().toLowerCase(Locale.ROOT);
        TableLayout layout = switch (fmt) {
            case "tsv" -> TableLayout.tsv(s.header() == null || s.header(), s.header() == null || s.header() ? 0 : count(file, s),
                    col(file, s, "text", true), col(file, s, "text_pair", false), col(file, s, "label", true));
            case "csv" -> TableLayout.csv(count(file, s), col(file, s, "text", true), col(file, s, "text_pair", false),
                    col(file, s, "label", true));
            case "jsonl" -> TableLayout.jsonl(field(file, s, "text", true), field(file, s, "text_pair", false),
                    field(file, s, "label", true));
            default -> throw new LorankException(file + ": format '" + s.format() + "' is unknown; use tsv, csv or jsonl");
        };
        Path dir = file.toAbsolutePath().getParent();
        String train = s.files().get("train");
        if (train == null) {
            throw new LorankException(file + ": files.train is required");
        }
        DataSource src = new DataSource.Files(dir.resolve(train), opt(dir, s.files().get("dev")),
                opt(dir, s.files().get("test")), layout);
        TaskKind kind = layout.hasPair() ? TaskKind.PAIR : TaskKind.SINGLE;
        TaskMetric metric = s.metric() == null ? TaskMetric.ACCURACY : TaskMetric.parse(s.metric(), file + ": metric");
        LabelVerbalizer v = new LabelVerbalizer(s.labelWords() == null ? List.of() : s.labelWords(),
                s.labelDescriptions() == null ? List.of() : s.labelDescriptions());
        try {
            return new Task(s.name(), kind, s.labels(), PromptTemplate.parse(s.template()), v, metric, src);
        } catch (LorankException e) {
            throw new LorankException(file + ": " + e.getMessage());
        }
    }

    private static Path opt(Path dir, String p) {
        return p == null ? null : dir.resolve(p);
    }

    private static void require(Path file, String key, Object v) {
        if (v == null) {
            throw new LorankException(file + ": key '" + key + "' is required");
        }
    }

    /** TSV without header / CSV: the exact column count is one more than the largest non-negative index. */
    private static int count(Path file, Spec s) {
        int max = -1;
        for (Object v : s.columns().values()) {
            if (v instanceof Integer i) {
                max = Math.max(max, i);
            }
        }
        if (max < 0) {
            throw new LorankException(file + ": columns need non-negative indices to know the column count");
        }
        return max + 1;
    }

    private static int col(Path file, Spec s, String key, boolean required) {
        Object v = s.columns().get(key);
        if (v == null) {
            if (required) {
                throw new LorankException(file + ": columns." + key + " is required (a column index)");
            }
            return TableLayout.NONE;
        }
        if (!(v instanceof Integer i)) {
            throw new LorankException(file + ": columns." + key + " is '" + v + "', expected a column index");
        }
        return i;
    }

    private static String field(Path file, Spec s, String key, boolean required) {
        Object v = s.columns().get(key);
        if (v == null && required) {
            throw new LorankException(file + ": columns." + key + " is required (a JSON field name)");
        }
        return v == null ? null : v.toString();
    }
}
