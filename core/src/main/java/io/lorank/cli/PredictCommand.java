package io.lorank.cli;

import io.lorank.LorankException;
import io.lorank.cli.options.Converters;
import io.lorank.data.Example;
import io.lorank.data.Task;
import io.lorank.data.TaskKind;
import io.lorank.finetune.TrainedClassifier;
import io.lorank.head.HeadKind;
import io.lorank.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lorank predict}: the logits and predicted label of a fine-tuned classifier for each input line, streamed in
 * batches of {@value #BATCH} lines.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Classify each line of --input with a fine-tuned classifier (a PEFT adapter from lorank finetune, "
                + "or a merged folder from lorank merge) for the task it was trained on; prints per line the "
                + "predicted label and the logits. Pair tasks read the two texts separated by a tab.",
        footer = {"", "Examples:",
                "  lorank predict --adapter runs/sst2-r1/seed-13/adapter --input reviews.txt",
                "  printf 'A gripping film.\\n' | lorank predict --adapter runs/sst2-r1/seed-13/adapter --input - --json",
                "  lorank predict --model merged-sst2 --input reviews.txt"})
public final class PredictCommand implements Runnable {
    static final int BATCH = 32;

    @Option(names = "--model", paramLabel = "NAME_OR_PATH",
            description = "Base model, HF folder or merged folder (default: the adapter's base_model_name_or_path, "
                    + "else the default model).")
    String model;

    @Option(names = "--adapter", paramLabel = "DIR", converter = Converters.ExistingFolder.class,
            description = "PEFT adapter folder (lorank finetune's seed-S/adapter/).")
    Path adapter;

    @Option(names = "--input", required = true, paramLabel = "FILE|-",
            description = "One example per line (pair tasks: TEXT<TAB>TEXT); - reads standard input.")
    String input;

    @Option(names = "--task", description = "Task (default: the one the adapter or merged model was trained on).")
    String task;

    @Option(names = "--head", paramLabel = "mlm|embedding|probe", converter = io.lorank.cli.options.Converters.Head.class,
            description = "Head (default: the stored one, else embedding).")
    HeadKind head;

    @Option(names = "--json", description = "One JSON object per line: input, label, label_index, logits.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        String where = input.equals("-") ? "standard input" : input;
        if (!input.equals("-") && !Files.isRegularFile(Path.of(input))) {
            throw new LorankException("--input: " + input + " is not a file; give a text file with one example per "
                    + "line, or - for standard input");
        }
        PrintWriter w = spec.commandLine().getOut();
        try (TrainedClassifier tc = TrainedClassifier.open(model, adapter, task, head);
             BufferedReader in = input.equals("-")
                     ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                     : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8)) {
            Task t = tc.task();
            if (!json) {
                StringBuilder h = new StringBuilder("label");
                t.labels().forEach(l -> h.append("\tlogit:").append(l));
                w.println(h.append("\ttext"));
            }
            List<Example> batch = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            int lineNo = 0;
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                batch.add(example(t, line, where, lineNo));
                lines.add(line);
                if (batch.size() == BATCH) {
                    print(w, tc, batch, lines);
                }
            }
            if (!batch.isEmpty()) {
                print(w, tc, batch, lines);
            }
            if (lineNo == 0) {
                throw new LorankException("--input: " + where + " is empty; give one example per line");
            }
        } catch (IOException e) {
            throw new LorankException("--input: cannot read " + where + " (" + e.getMessage() + ")");
        }
        w.flush();
    }

    /** One input line as an example of {@code t} (label index 0: unknown). */
    static Example example(Task t, String line, String where, int lineNo) {
        String id = where + ":" + lineNo;
        if (t.kind() == TaskKind.PAIR) {
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new LorankException(id + ": task " + t.name() + " reads a text pair; separate the two texts "
                        + "with a tab");
            }
            return new Example(id, line.substring(0, tab), line.substring(tab + 1), 0);
        }
        return new Example(id, line, null, 0);
    }

    private void print(PrintWriter w, TrainedClassifier tc, List<Example> batch, List<String> lines) {
        double[][] z = tc.logits(batch);
        List<String> labels = tc.task().labels();
        for (int i = 0; i < z.length; i++) {
            int best = 0;
            for (int c = 1; c < z[i].length; c++) {
                if (z[i][c] > z[i][best]) {
                    best = c;
                }
            }
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("input", lines.get(i));
                o.put("label", labels.get(best));
                o.put("label_index", best);
                o.put("logits", z[i]);
                w.println(Json.MAPPER.valueToTree(o).toString());
            } else {
                StringBuilder s = new StringBuilder(labels.get(best));
                for (double v : z[i]) {
                    s.append(String.format(Locale.ROOT, "\t%.6f", v));
                }
                w.println(s.append('\t').append(lines.get(i).replace('\t', ' ')));
            }
        }
        w.flush();
        batch.clear();
        lines.clear();
    }
}
