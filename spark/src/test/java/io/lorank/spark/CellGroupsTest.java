package io.lorank.spark;

import io.lorank.study.CellSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Jobs: a linearized group (one model, task, head and λ) is one job, in plan order; every other cell is a job alone. */
class CellGroupsTest {
    @Test
    void linearizedCellsGoOneJobPerGroup() {
        List<CellSpec> plan = SparkEquivalenceTest.tinyLinearized().expand();
        List<List<CellSpec>> jobs = CellGroups.of(plan);
        assertEquals(2, jobs.size(), "one job per λ fraction");
        for (List<CellSpec> job : jobs) {
            assertEquals(6, job.size(), "2 seeds x 3 ranks");
            assertEquals(1, job.stream().map(CellSpec::lambdaFraction).distinct().count());
        }
        assertEquals(plan, jobs.stream().flatMap(List::stream).toList(), "plan order kept");
    }

    @Test
    void otherCellsAreJobsOfTheirOwn(@TempDir Path tmp) throws Exception {
        List<CellSpec> plan = SparkRetryTest.synthetic(tmp).expand();
        List<List<CellSpec>> jobs = CellGroups.of(plan);
        assertEquals(plan.size(), jobs.size());
        assertEquals(plan, jobs.stream().flatMap(List::stream).toList());
    }
}
