package io.lorank.data;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** Where a task's examples come from. */
public sealed interface DataSource permits DataSource.LmBff, DataSource.Files, DataSource.Builtin {

    /** A file relative to some folder, with its layout. */
    record DataFile(String path, TableLayout layout) {
    }

    /**
     * An LM-BFF task under a data folder laid out like LM-BFF's {@code data/}: published k-shot splits in
     * {@code k-shot/<dir>/<k>-<seed>/}, optionally the full files for lorank's own sampler.
     *
     * @param dir         folder name, e.g. {@code SST-2}, {@code sst-5}
     * @param kTrain      train file inside the k-shot folder
     * @param kDev        dev file inside the k-shot folder ({@code dev_matched.tsv} for MNLI)
     * @param kTest       test file inside the k-shot folder, or null when LM-BFF publishes none we can use
     * @param fullTrain   full training file relative to the data folder (for sampling), or null
     * @param fullTest    full test file relative to the data folder, used when the k-shot folder has no test, or null
     * @param headerless  LM-BFF's sampler shuffles a headerless file (CoLA) in place across its seed loop
     * @param note        a sentence on missing or substituted files, or null
     */
    record LmBff(String dir, DataFile kTrain, DataFile kDev, DataFile kTest, DataFile fullTrain, DataFile fullTest,
                 boolean headerless, String note) implements DataSource {
    }

    /** A user's files (paths already resolved); dev and test may be null. */
    record Files(Path train, Path dev, Path test, TableLayout layout) implements DataSource {
    }

    /** Data built in memory (the WordNet tasks): a full training pool and a fixed test set. */
    record Builtin(Supplier<Pool> pool) implements DataSource {
    }

    /** A full training pool and a fixed test set with a description of where they came from. */
    record Pool(List<Example> train, List<Example> test, String description) {
        public Pool {
            train = List.copyOf(train);
            test = List.copyOf(test);
        }
    }
}
