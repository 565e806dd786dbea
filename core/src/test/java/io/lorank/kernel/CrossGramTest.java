package io.lorank.kernel;

import io.lorank.encoder.LinearTarget;
import io.lorank.linearized.EntkGram;
import io.lorank.linearized.GradientFactors;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The cross kernel from factors equals the dense inner products Σ_l ⟨G^a_ikl, G^b_jk'l⟩ (each G formed densely by
 * {@link GradientFactors#dense}), on both paths, for two different example sets with uneven token counts; with a = b it
 * equals {@link EntkGram} (the train Gram). Tolerance: 1e-10 relative to the largest entry (fp64 sums of fp32
 * inputs; the paths differ only in summation order).
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
        assertEquals(want.numRows, got.numRows, what + " rows");
        assertEquals(want.numCols, got.numCols, what + " cols");
        double scale = 0;
        for (double v : want.data) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int q = 0; q < want.data.length; q++) {
            assertEquals(want.data[q], got.data[q], TOL * scale, what + " entry " + q / want.numCols + "," + q % want.numCols);
        }
    }

    @Test
    void bothPathsEqualDenseInnerProducts() {
        Random rnd = new Random(11);
        for (int k : new int[] {1, 3}) {
            GradientFactors a = random(rnd, k, 3, 1, 5);
            GradientFactors b = random(rnd, k, 2, 6, 0, 1, 4);   // an example without tokens: G = 0
            DMatrixRMaj want = denseReference(a, b);
            assertClose(want, CrossGram.of(a, b, CrossGram.Path.DENSE), "dense path K=" + k);
            assertClose(want, CrossGram.of(a, b, CrossGram.Path.FACTORS), "factored path K=" + k);
            assertClose(want, CrossGram.of(a, b), "cheaper path K=" + k);
            GradientFactors c = random(rnd, k, 4, 2);
            List<DMatrixRMaj> both = CrossGram.of(a, List.of(b, c), CrossGram.Path.DENSE);  // one G^a for several b
            assertClose(want, both.get(0), "shared G^a, first b");
            assertClose(denseReference(a, c), both.get(1), "shared G^a, second b");
        }
    }

    @Test
    void selfKernelEqualsTheTrainGram() {
        GradientFactors f = random(new Random(5), 2, 4, 2, 3, 1);
        DMatrixRMaj gram = CrossGram.of(f, f);
        assertClose(EntkGram.of(f, EntkGram.Path.DENSE), gram, "vs EntkGram");
        for (int i = 0; i < gram.numRows; i++) {
            for (int j = 0; j < i; j++) {
                assertEquals(gram.get(i, j), gram.get(j, i), 1e-12 * Math.abs(gram.get(i, j)), "symmetry " + i + "," + j);
            }
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
