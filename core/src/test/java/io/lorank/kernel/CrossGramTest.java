package io.lorank.kernel;

import io.lorank.encoder.LinearTarget;
import io.lorank.linearized.GradientFactors;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The cross kernel from factors equals the dense inner products Σ_l ⟨G^a_ikl, G^b_jk'l⟩ (each G formed densely by
 * {@link GradientFactors#dense}), on both paths, for two different example sets with uneven token counts; with a = b it
 * is symmetric and the symmetric-update path equals the general product. Tolerance in fp64: 1e-10 relative to the
 * largest entry (fp64 sums of fp32 inputs; the paths differ only in summation order); in fp32: 2e-5, and fp32 must
 * differ from fp64 (it is not silently fp64).
 */
class CrossGramTest {
    static final double TOL = 1e-10;
    static final List<LinearTarget> TARGETS = List.of(new LinearTarget("t0", 5, 4), new LinearTarget("t1", 3, 7));

    static GradientFactors random(Random rnd, int k, int... tokens) {
        int[] off = new int[tokens.length + 1];
        for (int i = 0; i < tokens.length; i++) {
            off[i + 1] = off[i] + tokens[i];
        }
        int total = off[tokens.length];
        float[][] x = new float[TARGETS.size()][];
        float[][] d = new float[TARGETS.size()][];
        for (int l = 0; l < TARGETS.size(); l++) {
            x[l] = new float[total * TARGETS.get(l).in()];
            d[l] = new float[k * total * TARGETS.get(l).out()];
            for (int q = 0; q < x[l].length; q++) {
                x[l][q] = (float) rnd.nextGaussian();
            }
            for (int q = 0; q < d[l].length; q++) {
                d[l][q] = (float) rnd.nextGaussian();
            }
        }
        return new GradientFactors(TARGETS, k, off, x, d);
    }

    /** Σ_l ⟨G^a_ikl, G^b_jk'l⟩ from dense G. */
    static DMatrixRMaj denseReference(GradientFactors a, GradientFactors b) {
        int k = a.outputs();
        DMatrixRMaj out = new DMatrixRMaj(a.examples() * k, b.examples() * k);
        for (int i = 0; i < a.examples(); i++) {
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < b.examples(); j++) {
                    for (int q = 0; q < k; q++) {
                        double s = 0;
                        for (int l = 0; l < TARGETS.size(); l++) {
                            DMatrixRMaj ga = a.dense(i, p, l);
                            DMatrixRMaj gb = b.dense(j, q, l);
                            for (int e = 0; e < ga.data.length; e++) {
                                s += ga.data[e] * gb.data[e];
                            }
                        }
                        out.set(i * k + p, j * k + q, s);
                    }
                }
            }
        }
        return out;
    }

    static void assertClose(DMatrixRMaj want, DMatrixRMaj got, String what) {
        assertClose(want, got, TOL, what);
    }

    static void assertClose(DMatrixRMaj want, DMatrixRMaj got, double tol, String what) {
        assertEquals(want.numRows, got.numRows, what + " rows");
        assertEquals(want.numCols, got.numCols, what + " cols");
        double scale = 0;
        for (double v : want.data) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int q = 0; q < want.data.length; q++) {
            assertEquals(want.data[q], got.data[q], tol * scale, what + " entry " + q / want.numCols + "," + q % want.numCols);
        }
    }

    @Test
    void bothPathsEqualDenseInnerProducts() {
        Random rnd = new Random(11);
        for (int k : new int[] {1, 3}) {
            GradientFactors a = random(rnd, k, 3, 1, 5);
            GradientFactors b = random(rnd, k, 2, 6, 0, 1, 4);   // an example without tokens: G = 0
            DMatrixRMaj want = denseReference(a, b);
            for (CrossGram.Path p : CrossGram.Path.values()) {
                assertClose(want, CrossGram.of(a, b, p, GramPrecision.FP64), p + " path fp64 K=" + k);
                assertClose(want, CrossGram.of(a, b, p, GramPrecision.FP32), 2e-5, p + " path fp32 K=" + k);
            }
            assertClose(want, CrossGram.of(a, b), 2e-5, "cheaper path, default precision K=" + k);
            GradientFactors c = random(rnd, k, 4, 2);
            List<DMatrixRMaj> both = CrossGram.of(a, List.of(b, c), CrossGram.Path.DENSE, GramPrecision.FP64); // one G^a, several b
            assertClose(want, both.get(0), "shared G^a, first b");
            assertClose(denseReference(a, c), both.get(1), "shared G^a, second b");
        }
    }

    @Test
    void selfKernelEqualsTheTrainGram() {
        GradientFactors f = random(new Random(5), 2, 4, 2, 3, 1);
        DMatrixRMaj want = denseReference(f, f);
        GradientFactors copy = new GradientFactors(f.targets(), f.outputs(), f.offsets(), f.x(), f.d()); // a ≠ b: gemm
        for (GramPrecision g : GramPrecision.values()) {
            double tol = g == GramPrecision.FP64 ? TOL : 2e-5;
            DMatrixRMaj self = CrossGram.of(f, f, CrossGram.Path.DENSE, g);         // a = b: symmetric rank-k update
            assertClose(want, self, tol, "syrk " + g);
            assertClose(CrossGram.of(f, copy, CrossGram.Path.DENSE, g), self, tol, "syrk vs gemm " + g);
            for (int i = 0; i < self.numRows; i++) {
                for (int j = 0; j < i; j++) {
                    assertEquals(self.get(i, j), self.get(j, i), 0.0, "symmetry " + g + " " + i + "," + j);
                }
            }
        }
        assertClose(want, CrossGram.gram(f), 2e-5, "gram(f)");
    }

    @Test
    void fp32IsSinglePrecisionAndCloseToFp64() {
        // two long examples: fp32 accumulation must show (≠ fp64) yet stay within 2e-5 of the largest entry
        GradientFactors f = random(new Random(9), 2, 300, 280);
        DMatrixRMaj d = CrossGram.of(f, f, CrossGram.Path.DENSE, GramPrecision.FP64);
        assertClose(d, CrossGram.of(f, f, CrossGram.Path.DENSE, GramPrecision.FP32), 2e-5, "dense fp32");
        assertClose(d, CrossGram.of(f, f, CrossGram.Path.FACTORS, GramPrecision.FP32), 2e-5, "factored fp32");
        for (CrossGram.Path p : CrossGram.Path.values()) {
            DMatrixRMaj s = CrossGram.of(f, f, p, GramPrecision.FP32);
            double diff = 0;
            for (int q = 0; q < d.data.length; q++) {
                diff = Math.max(diff, Math.abs(d.data[q] - s.data[q]) / Math.abs(d.data[q]));
            }
            org.junit.jupiter.api.Assertions.assertTrue(diff > 1e-10, p + ": fp32 equals fp64 to " + diff + ", so it is not fp32");
        }
    }

    @Test
    void cheaperPathFollowsTheFlopCount() {
        Random rnd = new Random(3);
        // t0 is 5x4 (m·n = 20): one token per example is cheaper factored; 40 tokens per example cheaper dense
        GradientFactors shortA = random(rnd, 1, 1, 1);
        GradientFactors shortB = random(rnd, 1, 1, 1, 1);
        assertEquals(CrossGram.Path.FACTORS, CrossGram.cheaper(shortA, shortB, 0));
        GradientFactors longA = random(rnd, 1, 40, 40);
        GradientFactors longB = random(rnd, 1, 40, 40, 40);
        assertEquals(CrossGram.Path.DENSE, CrossGram.cheaper(longA, longB, 0));
    }
}
