package io.lorank.cli;

import io.lorank.cli.options.Converters;
import io.lorank.data.SplitLoader;
import io.lorank.data.Task;
import io.lorank.data.TaskRegistry;
import io.lorank.eval.Evaluation;
import io.lorank.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code lorank tasks}: the registered tasks with their prompts, metrics and whether data was found. */
@Command(name = "tasks", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "List the registered tasks (LM-BFF's 14 + 2 WordNet demos): kind, classes, label words, "
                + "template, metric, and whether data was found under --data.",
        footer = {"", "Example:", "  lorank tasks --data ../shared/data", "  lorank tasks --json"})
public final class TasksCommand implements Runnable {
    @Option(names = "--data", converter = Converters.ExistingFolder.class,
            description = "LM-BFF-style data folder (k-shot/<TASK>/<k>-<seed>/, full files); default: ../shared/data"
                    + " when it exists")
    Path data;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Override
    public void run() {
        Path data = this.data != null ? this.data : Evaluation.DEFAULT_DATA;
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Task t : TaskRegistry.all()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", t.name());
            r.put("kind", t.kind().lowerName());
            r.put("classes", t.numClasses());
            r.put("labels", t.labels());
            r.put("label_words", t.labelWords());
            r.put("label_descriptions", t.labelDescriptions());
            r.put("template", t.template().source());
            r.put("metric", t.metric().shortName());
            r.put("data_found", SplitLoader.hasData(t, data));
            rows.add(r);
        }
        if (json) {
            System.out.println(Json.write(rows));
            return;
        }
        System.out.printf("%-15s %-6s %3s  %-6s %-5s %-42s %s%n", "task", "kind", "C", "metric", "data", "template",
                "label words");
        for (Map<String, Object> r : rows) {
            System.out.printf("%-15s %-6s %3d  %-6s %-5s %-42s %s%n", r.get("name"), r.get("kind"), r.get("classes"),
                    r.get("metric"), (Boolean) r.get("data_found") ? "yes" : "no", r.get("template"),
                    String.join(", ", castList(r.get("label_words"))));
        }
        System.out.println("data: " + data.toAbsolutePath().normalize() + (java.nio.file.Files.isDirectory(data) ? ""
                : " (not found)") + " (wordnet-* tasks are built in)");
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object o) {
        return (List<String>) o;
    }
}
