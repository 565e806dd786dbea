package io.lorank.cli;

import io.lorank.encoder.Embedder;
import io.lorank.model.ModelRegistry;
import io.lorank.model.Pooling;
import io.lorank.cli.options.Converters;
import io.lorank.util.Finite;
import io.lorank.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code lorank embed}: pooled sentence embeddings and their cosine similarities. */
@Command(name = "embed", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Embed texts with a pretrained encoder; prints the pooled vectors and, for two or more texts, "
                + "their cosine similarity matrix.",
        footer = {"", "Example:", "  lorank embed \"A cat sits on the mat.\" \"A kitten is sitting on a rug.\"",
                "  lorank embed --model bge-small-en-v1.5 --normalize --json \"first text\" \"second text\""})
public final class EmbedCommand implements Runnable {
    @Option(names = "--model", paramLabel = "NAME_OR_PATH", defaultValue = ModelRegistry.DEFAULT,
            description = "Known model name (see `lorank models`), HF folder with config.json, or .onnx file.")
    String model;

    @Option(names = "--tokenizer", paramLabel = "FILE", converter = Converters.ExistingFile.class,
            description = "tokenizer.json to use instead of the model's own (embedded, or found next to it).")
    Path tokenizer;

    @Option(names = "--pooling", paramLabel = "mean|cls", converter = PoolingConverter.class,
            description = "Pooling (default: the model's own; mean for folders and files).")
    Pooling pooling;

    @Option(names = "--normalize", description = "L2-normalize the vectors.")
    boolean normalize;

    @Option(names = "--max-length", defaultValue = "512", converter = Converters.PositiveInt.class,
            description = "Maximum tokens per text, special tokens included (longer ones are truncated; at least the"
                    + " special tokens + 1).")
    int maxLength;

    @Option(names = "--json", description = "Print JSON: {\"model\", \"dim\", \"embeddings\", \"cosine\"}.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Texts to embed.")
    List<String> texts;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Embedder.Result r = Embedder.embed(new Embedder.Request(model, tokenizer, pooling, normalize, maxLength, texts));
        for (int i = 0; i < r.embeddings().length; i++) { // never print an answer computed from NaN/inf
            Finite.require("embedding of text " + (i + 1), r.embeddings()[i]);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", r.model());
            m.put("dim", r.dim());
            m.put("pooling", r.pooling().name().toLowerCase(Locale.ROOT));
            m.put("normalized", r.normalized());
            m.put("forward", r.forwardPath());
            m.put("embeddings", r.embeddings());
            if (texts.size() > 1) {
                m.put("cosine", r.cosine());
            }
            out.println(ProvenanceJson.write(m, null, model));
            return;
        }
        out.printf("model %s, dim %d, pooling %s%s, forward on %s%n", r.model(), r.dim(), r.pooling().name().toLowerCase(Locale.ROOT),
                r.normalized() ? ", normalized" : "", r.forwardPath());
        for (int i = 0; i < texts.size(); i++) {
            float[] v = r.embeddings()[i];
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < Math.min(6, v.length); k++) {
                sb.append(String.format(Locale.ROOT, "%s%.4f", k == 0 ? "" : ", ", v[k]));
            }
            double norm = Math.sqrt(dot(v, v));
            out.printf(Locale.ROOT, "[%d] %s%n    [%s, ...] (%d values, norm %.4f)%n", i + 1, shorten(texts.get(i)),
                    sb, v.length, norm);
        }
        if (texts.size() > 1) {
            out.println("cosine similarity:");
            StringBuilder head = new StringBuilder("      ");
            for (int j = 0; j < texts.size(); j++) {
                head.append(String.format(Locale.ROOT, "%8s", "[" + (j + 1) + "]"));
            }
            out.println(head);
            for (int i = 0; i < texts.size(); i++) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%6s", "[" + (i + 1) + "]"));
                for (int j = 0; j < texts.size(); j++) {
                    row.append(String.format(Locale.ROOT, "%8.4f", r.cosine()[i][j]));
                }
                out.println(row);
            }
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += (double) a[k] * b[k];
        }
        return s;
    }

    private static String shorten(String s) {
        return s.length() <= 70 ? s : s.substring(0, 67) + "...";
    }

    /** Accepts mean/cls in any case. */
    static final class PoolingConverter implements CommandLine.ITypeConverter<Pooling> {
        @Override
        public Pooling convert(String value) {
            try {
                return Pooling.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected mean or cls, got '" + value + "'");
            }
        }
    }
}
