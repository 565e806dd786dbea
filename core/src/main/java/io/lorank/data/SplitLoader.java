package io.lorank.data;

import io.lorank.LorankException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the split a run uses. For an LM-BFF task under {@code dataDir}: the published k-shot folder
 * {@code k-shot/<TASK>/<k>-<seed>/} when present (exactly the papers' splits), otherwise lorank's
 * {@link FewShotSampler} on the full training file. A user task or a built-in (WordNet) task is sampled.
 * The test set may be capped at 1,000 examples ({@link FewShotSampler#capTest}).
 */
public final class SplitLoader {
    private SplitLoader() {
    }

    /** Options of one split. {@code capTest}: apply LM-Kernel-FT's 1k-test cap. */
    public record Request(int k, int seed, boolean capTest) {
        public Request {
            if (k < 1) {
                throw new LorankException("--shots: " + k + " is not allowed; expected k >= 1");
            }
            if (seed < 0) {
                throw new LorankException("--seed: " + seed + " is not allowed; expected a seed >= 0");
            }
        }
    }

    public static FewShotSplit load(Task task, Path dataDir, Request req) {
        FewShotSplit split;
        if (task.source() instanceof DataSource.LmBff lm) {
            split = lmBff(task, lm, requireDir(dataDir, task), req);
        } else if (task.source() instanceof DataSource.Files f) {
            split = files(task, f, req);
        } else {
            split = builtin(task, ((DataSource.Builtin) task.source()).pool().get(), req);
        }
        if (!req.capTest() || split.test().size() <= FewShotSampler.TEST_CAP) {
            return split;
        }
        String note = (split.testNote() == null ? "" : split.testNote() + " ") + "Test capped at "
                + FewShotSampler.TEST_CAP + " of " + split.test().size() + " (NumPy shuffle, seed 42, LM-Kernel-FT 1k-test).";
        return new FewShotSplit(split.task(), split.k(), split.seed(), split.source(), split.train(), split.dev(),
                FewShotSampler.capTest(split.test(), FewShotSampler.TEST_CAP), note);
    }

    /** The k-shot folder of {@code task} for (k, seed) under {@code dataDir}. */
    public static Path kShotDir(Path dataDir, DataSource.LmBff lm, int k, int seed) {
        return dataDir.resolve("k-shot").resolve(lm.dir()).resolve(k + "-" + seed);
    }

    /** Whether any data for {@code task} exists under {@code dataDir} (k-shot folders or full files). */
    public static boolean hasData(Task task, Path dataDir) {
        if (!(task.source() instanceof DataSource.LmBff lm)) {
            return true;
        }
        return dataDir != null && (Files.isDirectory(dataDir.resolve("k-shot").resolve(lm.dir()))
                || (lm.fullTrain() != null && Files.isRegularFile(dataDir.resolve(lm.fullTrain().path()))));
    }

    private static Path requireDir(Path dataDir, Task task) {
        if (dataDir == null || !Files.isDirectory(dataDir)) {
            throw new LorankException("--data: " + dataDir + " is not a folder; " + task.name()
                    + " needs LM-BFF's data folder (k-shot/" + "<TASK>/<k>-<seed>/ or full files)");
        }
        return dataDir;
    }

    private static FewShotSplit lmBff(Task task, DataSource.LmBff lm, Path dataDir, Request req) {
        Path kdir = kShotDir(dataDir, lm, req.k(), req.seed());
        List<Example> test = null;
        String note = lm.note();
        if (Files.isDirectory(kdir)) {
            List<Example> train = read(kdir, lm.kTrain(), task);
            List<Example> dev = read(kdir, lm.kDev(), task);
            if (lm.kTest() != null && Files.isRegularFile(kdir.resolve(lm.kTest().path()))) {
                test = read(kdir, lm.kTest(), task);
            } else {
                test = fullTest(task, lm, dataDir);
            }
            return new FewShotSplit(task.name(), req.k(), req.seed(),
                    dataDir.relativize(kdir) + " (LM-BFF published split)", train, dev, test, note);
        }
        if (lm.fullTrain() == null || !Files.isRegularFile(dataDir.resolve(lm.fullTrain().path()))) {
            throw new LorankException(kdir + ": not found, and no full training file to sample from; "
                    + "use a published k (16) and seed (13, 21, 42, 87, 100) or add " + task.name() + "'s train file");
        }
        List<Example> pool = read(dataDir, lm.fullTrain(), task);
        List<Integer> earlier = lm.headerless() ? FewShotSampler.lmBffEarlierSeeds(req.seed()) : List.of();
        List<List<Example>> td = FewShotSampler.sample(pool, task.numClasses(), req.k(), req.seed(), earlier,
                lm.fullTrain().path());
        test = fullTest(task, lm, dataDir);
        return new FewShotSplit(task.name(), req.k(), req.seed(), "sampled from " + lm.fullTrain().path()
                + " (LM-BFF procedure, NumPy MT19937 seed " + req.seed() + ")", td.get(0), td.get(1), test, note);
    }

    private static List<Example> fullTest(Task task, DataSource.LmBff lm, Path dataDir) {
        if (lm.fullTest() != null && Files.isRegularFile(dataDir.resolve(lm.fullTest().path()))) {
            return read(dataDir, lm.fullTest(), task);
        }
        return List.of();
    }

    private static List<Example> read(Path dir, DataSource.DataFile f, Task task) {
        return ExampleReader.read(dir.resolve(f.path()), f.layout(), task.labels());
    }

    private static FewShotSplit files(Task task, DataSource.Files f, Request req) {
        List<Example> pool = ExampleReader.read(f.train(), f.layout(), task.labels());
        List<List<Example>> td = FewShotSampler.sample(pool, task.numClasses(), req.k(), req.seed(),
                f.train().toString());
        List<Example> test = new ArrayList<>();
        String note = null;
        if (f.test() != null) {
            test.addAll(ExampleReader.read(f.test(), f.layout(), task.labels()));
        } else if (f.dev() != null) {
            test.addAll(ExampleReader.read(f.dev(), f.layout(), task.labels()));
            note = "No test file: the original dev file " + f.dev().getFileName() + " is the test set.";
        } else {
            note = "No test or dev file given: the test set is empty.";
        }
        return new FewShotSplit(task.name(), req.k(), req.seed(), "sampled from " + f.train()
                + " (LM-BFF procedure, NumPy MT19937 seed " + req.seed() + ")", td.get(0), td.get(1), test, note);
    }

    private static FewShotSplit builtin(Task task, DataSource.Pool pool, Request req) {
        List<List<Example>> td = FewShotSampler.sample(pool.train(), task.numClasses(), req.k(), req.seed(),
                task.name());
        return new FewShotSplit(task.name(), req.k(), req.seed(), "sampled from " + pool.description()
                + " (LM-BFF procedure, NumPy MT19937 seed " + req.seed() + ")", td.get(0), td.get(1), pool.test(), null);
    }
}
