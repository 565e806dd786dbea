package io.lorank.spark;

import io.lorank.study.CellSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cells that share one computation go to one Spark job. A linearized cell names its group in the options
 * {@code group_seeds} and {@code group_ranks} (one factor extraction, one convex solve per seed, one test pass for
 * every (seed, rank)): the first cell computes the group and stores it under a key (the spec without seed and rank),
 * the others read it. On one executor that costs the group once; spread over executors every cell would recompute
 * the whole group. Every other cell is a job of its own.
 */
final class CellGroups {
    private CellGroups() {
    }

    /** {@code cells} split into jobs, in plan order (a group where its first member is), order kept within a group. */
    static List<List<CellSpec>> of(List<CellSpec> cells) {
        Map<String, List<CellSpec>> jobs = new LinkedHashMap<>();
        for (CellSpec c : cells) {
            jobs.computeIfAbsent(key(c), k -> new ArrayList<>()).add(c);
        }
        return List.copyOf(jobs.values());
    }

    /** The shared computation a cell belongs to: the group's spec (seed and rank left out), or the cell itself. */
    static String key(CellSpec c) {
        if (c.options().containsKey("group_seeds") && c.options().containsKey("group_ranks")) {
            return "group|" + new CellSpec(c.mode(), c.model(), c.task(), null, c.shots(), c.head(), null,
                    c.lambdaFraction(), c.options()).canonicalJson();
        }
        return "cell|" + c.hash();
    }
}
