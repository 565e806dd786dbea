package io.lorank.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The thin-product benchmark computes the products it times: each row's OpenBLAS result against a plain loop. */
class ThinGemmBenchmarkTest {
    @Test
    void everyRowsProductMatchesAPlainLoop() {
        List<ThinGemmBenchmark.Row> rows = ThinGemmBenchmark.run(3, 40, 24, 3, 2, 0, 1);
        assertEquals(8, rows.size()); // {fp64, fp32} × {memory, cache} × {A·Xᵀ, Pᵀ·X}
        for (ThinGemmBenchmark.Row r : rows) {
            double tol = r.precision().equals("fp64") ? 1e-13 : 1e-5;
            assertTrue(r.relDiff() < tol, r.toString());
            assertTrue(r.seconds() > 0 && Double.isFinite(r.gflops()), r.toString());
        }
    }
}
