package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.lorank.engine.Engines;
import io.lorank.model.Checkpoint;
import io.lorank.model.ModelRegistry;
import io.lorank.text.TextTokenizer;
import io.lorank.text.TokenBatch;
import io.lorank.text.TokenizerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients through the real all-MiniLM-L6-v2, run in fp64: autograd vs central finite differences on a query
 * weight, gradient zeroing between backward passes, and the tapped factors (X, D) of a Linear reproducing its weight
 * gradient G = Σ Dᵀ X.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GradientTest {
    static final String Q = "encoder.layer.2.attention.self.query";

    private Encoder enc;
    private TokenBatch batch;
    private double[] r; // fixed random direction [B·d]

    @BeforeAll
    void load() {
        Checkpoint ck = TestModels.checkpoint(ModelRegistry.DEFAULT);
        enc = Encoder.load(ck, DataType.FLOAT64);
        try (TextTokenizer tk = TextTokenizer.load(ck.tokenizer(), TokenizerOptions.defaults())) {
            batch = tk.encode(List.of("A cat sits on the mat.", "Gradients flow backwards."));
        }
        Random rnd = new Random(3);
        r = new double[batch.batchSize() * 384];
        for (int i = 0; i < r.length; i++) {
            r[i] = rnd.nextGaussian();
        }
    }

    @AfterAll
    void close() {
        enc.close();
    }

    /** L = Σ mean-pooled ∘ R, a scalar. */
    private NDArray loss(NDManager m, LinearTaps taps) {
        EncoderOutput out = enc.forward(EncoderInput.of(batch, enc.config(), m), taps);
        return out.mean().mul(m.create(r, new Shape(batch.batchSize(), 384))).sum();
    }

    private double[] autogradOfQuery(NDManager m) {
        try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
            gc.backward(loss(m, null));
        }
        return enc.parameter(Q + ".weight").getGradient().toDoubleArray();
    }

    @Test
    void queryWeightGradientMatchesCentralDifferences() {
        enc.setTrainable(n -> n.equals(Q + ".weight"));
        try (NDManager m = Engines.newManager()) {
            enc.zeroGradients();
            double[] g = autogradOfQuery(m);
            NDArray w = enc.parameter(Q + ".weight");
            Random rnd = new Random(5);
            double h = 1e-5;
            double worst = 0;
            for (int s = 0; s < 12; s++) {
                int i = rnd.nextInt(384);
                int j = rnd.nextInt(384);
                double w0 = w.getDouble(i, j);
                w.set(new NDIndex(i, j), w0 + h);
                double plus = loss(m, null).getDouble();
                w.set(new NDIndex(i, j), w0 - h);
                double minus = loss(m, null).getDouble();
                w.set(new NDIndex(i, j), w0);
                double fd = (plus - minus) / (2 * h);
                double a = g[i * 384 + j];
                // fp64: rounding ~1e-16·|L|/h ≈ 1e-10, truncation O(h²); relative error over a 1e-8 floor
                double rel = Math.abs(a - fd) / Math.max(Math.max(Math.abs(a), Math.abs(fd)), 1e-8);
                worst = Math.max(worst, rel);
                assertTrue(rel <= 1e-6, Q + ".weight[" + i + ", " + j + "]: autograd " + a + " vs central "
                        + "difference " + fd + " (relative error " + rel + " > 1e-6)");
            }
            System.out.printf("gradient check %s.weight: 12 entries, worst relative error %.2e%n", Q, worst);
        } finally {
            enc.setTrainable(n -> false);
        }
    }

    @Test
    void gradientsAccumulateUnlessZeroed() {
        enc.setTrainable(n -> n.equals(Q + ".weight"));
        try (NDManager m = Engines.newManager()) {
            enc.zeroGradients();
            double[] first = autogradOfQuery(m);
            enc.zeroGradients();
            double[] second = autogradOfQuery(m);
            double[] third = autogradOfQuery(m); // no zeroing: libtorch adds to the stored gradient
            double diff = 0;
            double doubled = 0;
            for (int k = 0; k < first.length; k++) {
                diff = Math.max(diff, Math.abs(first[k] - second[k]));
                doubled = Math.max(doubled, Math.abs(third[k] - 2 * first[k]));
            }
            assertTrue(diff <= 1e-12, "two zeroed backward passes differ by " + diff);
            assertTrue(doubled <= 1e-12, "a backward without zeroing must accumulate (2x), off by " + doubled);
        } finally {
            enc.setTrainable(n -> false);
        }
    }

    @Test
    void tappedFactorsReproduceTheWeightGradient() {
        enc.setTrainable(n -> n.startsWith(Q + "."));
        try (NDManager m = Engines.newManager()) {
            enc.zeroGradients();
            LinearTaps taps = new LinearTaps(n -> n.equals(Q) || n.endsWith("layer.4.attention.self.value"));
            try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                gc.backward(loss(m, taps));
            }
            NDArray x = taps.input(Q);                                          // [B, T, n]
            NDArray d = taps.outputGradient(Q);                                 // [B, T, m]
            NDArray mask = m.create(batch.attentionMask(), new Shape(batch.batchSize(), batch.length(), 1))
                    .toType(DataType.FLOAT64, false);
            // G = Σ_b D_bᵀ X_b [m, n] (padded rows carry D = 0 because pooling ignores them, but X ≠ 0)
            NDArray g = d.mul(mask).transpose(0, 2, 1).matMul(x).sum(new int[] {0});
            double[] auto = enc.parameter(Q + ".weight").getGradient().toDoubleArray();
            double[] fac = g.toDoubleArray();
            double num = 0;
            double den = 0;
            for (int k = 0; k < auto.length; k++) {
                num += (auto[k] - fac[k]) * (auto[k] - fac[k]);
                den += auto[k] * auto[k];
            }
            double rel = Math.sqrt(num / den);
            assertTrue(den > 0 && rel <= 1e-10, "G = Σ Dᵀ X vs autograd: relative Frobenius error " + rel);
            double[] bias = enc.parameter(Q + ".bias").getGradient().toDoubleArray();
            double[] dsum = d.sum(new int[] {0, 1}).toDoubleArray();
            for (int k = 0; k < bias.length; k++) {
                assertTrue(Math.abs(bias[k] - dsum[k]) <= 1e-10 * (1 + Math.abs(bias[k])), "bias gradient = Σ D");
            }
            assertTrue(taps.input("encoder.layer.4.attention.self.value").getShape().equals(
                    new Shape(batch.batchSize(), batch.length(), 384)), "value input X is [B, T, n]");
        } finally {
            enc.setTrainable(n -> false);
        }
    }
}
