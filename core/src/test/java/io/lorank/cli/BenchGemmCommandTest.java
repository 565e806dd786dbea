package io.lorank.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lorank bench gemm}: a tiny run prints the CPU, the GEMM path and a row; bad options exit 2, bad shapes 1. */
class BenchGemmCommandTest {
    @Test
    void tinyRunPrintsCpuPathAndRow() {
        String out = CliRun.run(0, "bench", "gemm", "--shapes", "16x8x12", "--runs", "1", "--warmup", "0");
        assertTrue(out.contains("CPU: "), out);
        assertTrue(out.contains("GEMM path: libtorch MKL"), out);
        assertTrue(out.matches("(?s).*16x8x12 +\\| +[0-9.]+ +\\| +[0-9.]+ +\\| [0-9.]+e-[0-9]+.*"), out);
    }

    @Test
    void thinProductsPrintEightRows() {
        String out = CliRun.run(0, "bench", "gemm", "--shapes", "16x8x12", "--runs", "1", "--warmup", "0", "--thin");
        assertTrue(out.contains("thin products, 12 targets x [2048 x 384], r = 8"), out);
        assertEquals(8, out.lines().filter(l -> l.matches("fp(32|64) +\\| (memory|cache) +\\| .*")).count(), out);
    }

    @Test
    void badInputs() {
        CliRun.run(2, "bench", "gemm", "--runs", "0");
        CliRun.run(2, "bench", "gemm", "--warmup", "-1");
        CliRun.run(1, "bench", "gemm", "--shapes", "2048x384");
        CliRun.run(1, "bench", "gemm", "--shapes", "0x4x4");
    }
}
