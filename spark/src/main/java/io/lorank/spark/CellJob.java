package io.lorank.spark;

import io.lorank.study.Canonical;
import io.lorank.study.CellContext;
import io.lorank.study.CellSpec;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one Spark task receives: a few cells (one group, {@link CellGroups}) as canonical JSON, and where the executor
 * finds the keyed artefacts and the data. {@link #run} is the task body; it computes the cells in order.
 *
 * @param specs    canonical JSON of each cell's spec
 * @param cacheDir executor-side folder for keyed artefacts
 * @param dataDir  executor-side LM-BFF data folder, or null for the runners' default
 */
record CellJob(List<String> specs, String cacheDir, String dataDir) implements Serializable {
    List<WireOutcome> run(CellFunction fn) {
        CellContext ctx = new CellContext(Path.of(cacheDir), dataDir == null ? null : Path.of(dataDir));
        List<WireOutcome> out = new ArrayList<>(specs.size());
        for (String json : specs) {
            CellSpec cell = Canonical.read(json, CellSpec.class);
            out.add(WireOutcome.of(cell.hash(), fn.run(cell, ctx)));
        }
        return out;
    }
}
