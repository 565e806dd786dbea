package io.lorank.cli;

import io.lorank.cli.options.Converters;
import io.lorank.cli.options.RunFolderOptions;
import io.lorank.data.FewShotSplit;
import io.lorank.data.SplitLoader;
import io.lorank.data.Task;
import io.lorank.data.TaskRegistry;
import io.lorank.data.UserTaskFile;
import io.lorank.eval.Evaluation;
import io.lorank.util.Json;
import io.lorank.util.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code lorank split}: resolve one few-shot split and write it to {@code <out>/split.json}. */
@Command(name = "split", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Write the few-shot split a run uses (train/dev k per class, test) to OUT/split.json: "
                + "LM-BFF's published k-shot folder when present, else lorank's sampler (LM-BFF's procedure).",
        footer = {"", "Example:", "  lorank split --task SST-2 --seed 13 --data ../shared/data --out runs/sst2-13",
                "  lorank split --task wordnet-binary --seed 42 --shots 8 --out runs/wn"})
public final class SplitCommand implements Runnable {
    @Option(names = "--task", required = true, description = "registered task name or a task file (.yaml/.json)")
    String task;

    @Option(names = "--seed", defaultValue = "13", converter = Converters.NonNegativeInt.class, description = "split seed (LM-BFF: 13, 21, 42, 87, 100)")
    int seed;

    @Option(names = "--shots", defaultValue = "16", converter = Converters.PositiveInt.class, description = "k: examples per class in train and in dev")
    int shots;

    @Option(names = "--data", converter = Converters.ExistingFolder.class,
            description = "LM-BFF-style data folder (default: ../shared/data when it exists)")
    Path data;

    @Option(names = "--test-cap", description = "cap the test set at 1,000 examples (LM-Kernel-FT 1k-test, seed 42)")
    boolean testCap;

    @Option(names = "--out", required = true, description = "run folder; split.json and run.json are written into it"
            + " (replaced whole)")
    Path out;

    @picocli.CommandLine.Mixin
    RunFolderOptions runFolder;

    @Option(names = "--json", description = "print a JSON summary")
    boolean json;

    @Override
    public void run() {
        Task t = UserTaskFile.looksLikeFile(task) ? UserTaskFile.load(Path.of(task)) : TaskRegistry.get(task);
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("task", task);
        cfg.put("seed", seed);
        cfg.put("shots", shots);
        cfg.put("data", data == null ? null : data.toAbsolutePath().normalize().toString());
        cfg.put("test_cap", testCap);
        Path file;
        FewShotSplit split;
        try (RunFolder run = RunFolder.open(out, runFolder.force, "split", cfg)) {
            split = SplitLoader.load(t, Evaluation.resolveData(t, data), new SplitLoader.Request(shots, seed, testCap));
            split.write(run.dir(), t.labels());
            run.commit();
            file = out.resolve(FewShotSplit.FILE);
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("task", t.name());
        s.put("k", shots);
        s.put("seed", seed);
        s.put("source", split.source());
        s.put("train", split.train().size());
        s.put("dev", split.dev().size());
        s.put("test", split.test().size());
        s.put("train_per_class", FewShotSplit.classCounts(split.train(), t.numClasses()));
        s.put("test_note", split.testNote());
        s.put("file", file.toString());
        if (json) {
            System.out.println(Json.write(s));
            return;
        }
        System.out.printf("%s k=%d seed=%d: train %d %s, dev %d, test %d%n  source: %s%n", t.name(), shots, seed,
                split.train().size(), Arrays.toString(FewShotSplit.classCounts(split.train(), t.numClasses())),
                split.dev().size(), split.test().size(), split.source());
        if (split.testNote() != null) {
            System.out.println("  note: " + split.testNote());
        }
        System.out.println("  wrote " + file);
    }
}
