package io.lorank.engine;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lorank.util.CpuInfo;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GEMM path Engines sets up: on AMD the MKL shim is in place, and whatever path is taken libtorch's fp32 GEMM
 * matches an fp64 Java product (relative Frobenius error ≤ 1e-5 on the encoder's shapes; fp32 accumulation over
 * k = 1536 gives ~1e-7). The golden encoder tests run in the same JVM, on the same path.
 */
class MklAmdShimTest {
    @Test
    void shimIsLoadedOnAmdLinux() {
        Engines.pytorch();
        boolean amdLinux = CpuInfo.current().isAmd() && System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64");
        String path = Engines.gemmPath();
        if (amdLinux && System.getProperty("lorank.mklAmdShim") == null) {
            assertTrue(path.contains("answered by liblorank-mkl-amd.so"), path);
        } else {
            assertTrue(path.contains("MKL's default path"), path);
        }
    }

    @Test
    void torchGemmMatchesFp64Reference() {
        int[][] shapes = {{128, 1536, 384}, {200, 384, 1536}, {64, 384, 384}, {33, 17, 65}};
        Random rnd = new Random(3);
        try (NDManager nm = Engines.newManager()) {
            for (int[] s : shapes) {
                int m = s[0];
                int k = s[1];
                int n = s[2];
                float[] a = new float[m * k];
                float[] b = new float[k * n];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) rnd.nextGaussian();
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) rnd.nextGaussian();
                }
                float[] c = nm.create(a, new Shape(m, k)).matMul(nm.create(b, new Shape(k, n))).toFloatArray();
                double num = 0;
                double den = 0;
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double ref = 0;
                        for (int q = 0; q < k; q++) {
                            ref += (double) a[i * k + q] * b[q * n + j];
                        }
                        double d = c[i * n + j] - ref;
                        num += d * d;
                        den += ref * ref;
                    }
                }
                double rel = Math.sqrt(num / den);
                assertTrue(rel <= 1e-5, m + "x" + k + "x" + n + ": relative error " + rel + " > 1e-5 on " + Engines.gemmPath());
            }
        }
    }
}
