package io.lorank.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.lorank.LorankException;
import io.lorank.encoder.Encoder;
import io.lorank.encoder.EncoderInput;
import io.lorank.engine.Engines;
import io.lorank.model.Architecture;
import io.lorank.model.Checkpoint;
import io.lorank.model.EncoderConfig;
import io.lorank.model.HiddenAct;
import io.lorank.model.TinyCheckpoint;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoRA on a tiny random BERT (2 layers, d 16): init, gradients vs central differences (fp64), merge, validation. */
class LoraModelTest {
    static final EncoderConfig CONFIG = TinyCheckpoint.config(Architecture.BERT, HiddenAct.GELU);
    static final long[] IDS = {2, 9, 14, 11, 20, 3, 2, 7, 8, 3, 0, 0}; // [2, 6], second row padded

    static Checkpoint tiny() {
        return new Checkpoint("tiny", CONFIG, TinyCheckpoint.random(CONFIG, 11, false, false), "tiny.safetensors",
                null, "0");
    }

    static EncoderInput input(NDManager m) {
        long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
        long[] pos = {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5};
        Shape s = new Shape(2, 6);
        return new EncoderInput(m.create(IDS, s), m.create(mask, s), m.create(new long[12], s), m.create(pos, s));
    }

    /** Mean-pooled output [2, 16] as doubles. */
    static double[] pooled(Encoder enc) {
        try (NDManager m = Engines.newManager()) {
            return enc.forward(input(m)).mean().toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    /** Fills B (and A) with random values so that the adapter changes the output. */
    static void randomize(LoraModel lm, long seed) {
        Random r = new Random(seed);
        for (NDArray p : lm.trainable().values()) {
            double[] v = new double[(int) p.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = 0.3 * r.nextGaussian();
            }
            try (NDArray x = p.getManager().create(v, p.getShape()).toType(p.getDataType(), false)) {
                p.set(new NDIndex(":"), x);
            }
        }
    }

    @Test
    void zeroBAtInitGivesTheBaseOutputExactly() {
        for (LoraInit init : LoraInit.values()) {
            try (Encoder enc = Encoder.load(tiny())) {
                double[] base = pooled(enc);
                LoraConfig c = new LoraConfig(4, 8, false, 0, init, "query,value", Map.of());
                try (LoraModel lm = LoraModel.inject(enc, c, 1)) {
                    assertEquals(4 * 2 * (16 + 16) * 2, lm.parameterCount());
                    assertArrayEquals(base, pooled(enc), 0.0, init + ": B = 0 must leave f(W0) unchanged");
                    double a = lm.adapters().values().iterator().next().a().toType(DataType.FLOAT64, false)
                            .abs().max().getDouble();
                    assertTrue(a > 0 && (init != LoraInit.KAIMING_UNIFORM || a <= 1 / Math.sqrt(16)),
                            init + ": |A| max " + a + " (Kaiming-uniform bound 1/√n = 0.25)");
                }
                assertArrayEquals(base, pooled(enc), 0.0, "closing the LoRA model detaches it");
            }
        }
    }

    @Test
    void gradientsMatchCentralDifferencesInFp64() {
        try (Encoder enc = Encoder.load(tiny(), DataType.FLOAT64);
             LoraModel lm = LoraModel.inject(enc, new LoraConfig(2, 3, true, 0, LoraInit.KAIMING_UNIFORM,
                     "query,value,intermediate.dense", Map.of("encoder.layer.1.attention.self.value", 3)), 5);
             NDManager m = Engines.newManager()) {
            randomize(lm, 7);
            double[] rr = new double[2 * 16];
            Random rnd = new Random(9);
            for (int i = 0; i < rr.length; i++) {
                rr[i] = rnd.nextGaussian();
            }
            NDArray r = m.create(rr, new Shape(2, 16));
            java.util.function.Supplier<Double> loss = () -> {
                try (NDManager s = Engines.newManager()) {
                    return enc.forward(input(s)).mean().mul(r).sum().getDouble();
                }
            };
            try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                gc.backward(enc.forward(input(m)).mean().mul(r).sum());
            }
            assertTrue(enc.parameter("encoder.layer.0.attention.self.query.weight").hasGradient() == false,
                    "base weights are frozen");
            double h = 1e-6;
            double worst = 0;
            int checked = 0;
            for (Map.Entry<String, NDArray> e : lm.trainable().entrySet()) {
                NDArray p = e.getValue();
                double[] g = p.getGradient().toDoubleArray();
                long cols = p.getShape().get(1);
                for (int s = 0; s < 3; s++) {
                    int flat = rnd.nextInt((int) p.size());
                    NDIndex at = new NDIndex(flat / cols, flat % cols);
                    double w0 = p.getDouble(flat / cols, flat % cols);
                    p.set(at, w0 + h);
                    double plus = loss.get();
                    p.set(at, w0 - h);
                    double minus = loss.get();
                    p.set(at, w0);
                    double fd = (plus - minus) / (2 * h);
                    // fp64 rounding ~1e-16·|L|/h ≈ 1e-10, truncation O(h²); relative error over a 1e-8 floor
                    double rel = Math.abs(g[flat] - fd) / Math.max(Math.max(Math.abs(g[flat]), Math.abs(fd)), 1e-8);
                    worst = Math.max(worst, rel);
                    checked++;
                    assertTrue(rel <= 1e-6, e.getKey() + "[" + flat + "]: autograd " + g[flat] + " vs central "
                            + "difference " + fd + " (relative error " + rel + ")");
                }
            }
            assertEquals(3 * 2 * 6, checked);
            assertEquals(3, lm.adapters().get("encoder.layer.1.attention.self.value").rank(), "rank_pattern");
            System.out.printf("LoRA gradient check: %d entries of A and B, worst relative error %.2e%n", checked, worst);
        }
    }

    @Test
    void mergedWeightsReproduceTheLoraOutputs() {
        try (Encoder enc = Encoder.load(tiny())) {
            double[] base = pooled(enc);
            double[] lora;
            try (LoraModel lm = LoraModel.inject(enc, new LoraConfig(4, 16, false, 0, LoraInit.GAUSSIAN,
                    "all-linear", Map.of()), 3)) {
                randomize(lm, 4);
                lora = pooled(enc);
                Map<String, Double> rel = lm.relativeUpdateNorms();
                assertEquals(12, rel.size());
                rel.values().forEach(v -> assertTrue(v > 0 && Double.isFinite(v)));
                lm.mergeIntoBase();
                double[] merged = pooled(enc);
                double moved = 0;
                for (int i = 0; i < lora.length; i++) {
                    assertEquals(lora[i], merged[i], 1e-5, "merged vs LoRA output " + i);
                    moved = Math.max(moved, Math.abs(lora[i] - base[i]));
                }
                assertTrue(moved > 1e-2, "the adapter must change the output for the test to mean anything");
            }
        }
    }

    @Test
    void badRanksAndTargetsAreOneLineErrors() {
        assertTrue(assertThrows(LorankException.class, () -> LoraConfig.defaults(0)).getMessage().contains("≥ 1"));
        try (Encoder enc = Encoder.load(tiny())) {
            String tooBig = assertThrows(LorankException.class,
                    () -> LoraModel.inject(enc, LoraConfig.defaults(17), 1)).getMessage();
            assertTrue(tooBig.contains("min(m, n) = 16") && tooBig.contains("attention.self.query"), tooBig);
            String unknown = assertThrows(LorankException.class, () -> LoraModel.inject(enc,
                    new LoraConfig(2, 4, false, 0, LoraInit.GAUSSIAN, "querry", Map.of()), 1)).getMessage();
            assertTrue(unknown.contains("querry") && unknown.contains("value") && !unknown.contains("\n"), unknown);
        }
    }
}
