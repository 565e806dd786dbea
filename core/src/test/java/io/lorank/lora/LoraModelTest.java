package io.lorank.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.lorank.LorankException;
import io.lorank.encoder.Encoder;
import io.lorank.engine.Engines;
import io.lorank.model.Checkpoint;
import io.lorank.text.TokenBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoRA injection on a tiny random BERT: init identity, gradients vs central differences, merge, PiSSA, checks. */
class LoraModelTest {
    @TempDir
    Path dir;

    @Test
    void zeroBAtInitLeavesTheEncoderExactlyAsItWas() {
        Checkpoint ck = LoraTestSupport.tinyBert(dir, 1);
        TokenBatch b = LoraTestSupport.batch(ck);
        try (Encoder enc = Encoder.load(ck, DataType.FLOAT64)) {
            double[] base = LoraTestSupport.hidden(enc, b);
            for (LoraInit init : new LoraInit[] {LoraInit.KAIMING_UNIFORM, LoraInit.GAUSSIAN}) {
                try (LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults().withRank(4).withTargets("all-linear")
                        .withInit(init), 7)) {
                    assertEquals(12, lm.adapters().size(), "all-linear on 2 layers: 6 Linears each");
                    double[] with = LoraTestSupport.hidden(enc, b);
                    assertEquals(0.0, LoraTestSupport.maxAbsDiff(base, with), init + ": B = 0 must give f(W0) exactly");
                }
            }
        }
    }

    @Test
    void kaimingBoundIsOneOverRootFanIn() {
        Checkpoint ck = LoraTestSupport.tinyBert(dir, 1);
        try (Encoder enc = Encoder.load(ck); LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults().withRank(16), 3)) {
            double bound = 1 / Math.sqrt(16);
            double max = 0;
            for (LoraLinear l : lm.adapters().values()) {
                for (float v : l.a().toFloatArray()) {
                    max = Math.max(max, Math.abs(v));
                }
                for (float v : l.b().toFloatArray()) {
                    assertEquals(0f, v, "B starts at zero");
                }
            }
            // 4 targets · 256 draws of U(-1/4, 1/4): the max lies within 2 % of the bound with overwhelming odds
            assertTrue(max <= bound && max > 0.98 * bound, "max |A| " + max + " vs bound " + bound);
        }
    }

    @Test
    void loraGradientsMatchCentralDifferencesInFp64() {
        Checkpoint ck = LoraTestSupport.tinyBert(dir, 2);
        TokenBatch b = LoraTestSupport.batch(ck);
        try (Encoder enc = Encoder.load(ck, DataType.FLOAT64);
             LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults().withRank(3).withAlpha(6), 11)) {
            LoraTestSupport.randomizeB(lm, 5);
            double worst = 0;
            try (NDManager m = Engines.newManager()) {
                for (NDArray p : lm.trainable()) {
                    if (p.hasGradient()) {
                        p.getGradient().subi(p.getGradient());
                    }
                }
                try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                    gc.backward(LoraTestSupport.loss(enc, b, m, 9));
                }
                Random rnd = new Random(4);
                double h = 1e-6;
                for (var e : lm.adapters().entrySet()) {
                    for (NDArray p : new NDArray[] {e.getValue().a(), e.getValue().b()}) {
                        double[] g = p.getGradient().toDoubleArray();
                        long rows = p.getShape().get(0);
                        long cols = p.getShape().get(1);
                        for (int s = 0; s < 3; s++) {
                            int i = rnd.nextInt((int) rows);
                            int j = rnd.nextInt((int) cols);
                            double v0 = p.getDouble(i, j);
                            p.set(new NDIndex(i, j), v0 + h);
                            double plus = LoraTestSupport.loss(enc, b, m, 9).getDouble();
                            p.set(new NDIndex(i, j), v0 - h);
                            double minus = LoraTestSupport.loss(enc, b, m, 9).getDouble();
                            p.set(new NDIndex(i, j), v0);
                            double fd = (plus - minus) / (2 * h);
                            double a = g[(int) (i * cols + j)];
                            double rel = Math.abs(a - fd) / Math.max(Math.max(Math.abs(a), Math.abs(fd)), 1e-8);
                            worst = Math.max(worst, rel);
                            String which = e.getKey() + (p == e.getValue().a() ? ".lora_A" : ".lora_B");
                            // fp64: rounding ~1e-16·|L|/h ≈ 1e-9 relative, truncation O(h²)
                            assertTrue(rel <= 1e-6, which + "[" + i + ", " + j + "]: autograd " + a
                                    + " vs central difference " + fd + " (relative error " + rel + ")");
                        }
                    }
                }
            }
            System.out.printf("LoRA gradient check: 24 entries of A and B, worst relative error %.2e%n", worst);
        }
    }

    @Test
    void mergedWeightsGiveTheLoraOutputs() {
        Checkpoint ck = LoraTestSupport.tinyBert(dir, 3);
        TokenBatch b = LoraTestSupport.batch(ck);
        try (Encoder enc = Encoder.load(ck)) {
            double[] lora;
            try (LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults().withRank(2).withTargets("all-linear"), 1)) {
                LoraTestSupport.randomizeB(lm, 2);
                lora = LoraTestSupport.hidden(enc, b);
                lm.merge();
                double[] merged = LoraTestSupport.hidden(enc, b);
                double d = LoraTestSupport.maxAbsDiff(lora, merged);
                assertTrue(d <= 1e-5, "merged vs LoRA outputs differ by " + d + " (fp32, tolerance 1e-5)");
            }
        }
    }

    @Test
    void pissaKeepsTheFunctionAtInitAndRestoresW0OnClose() {
        Checkpoint ck = LoraTestSupport.tinyBert(dir, 4);
        TokenBatch b = LoraTestSupport.batch(ck);
        try (Encoder enc = Encoder.load(ck, DataType.FLOAT64)) {
            double[] base = LoraTestSupport.hidden(enc, b);
            double[] w0 = enc.parameter("encoder.layer.0.attention.self.query.weight").toDoubleArray();
            try (LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults().withRank(4)
                    .withInit(LoraInit.PISSA), 1)) {
                double d = LoraTestSupport.maxAbsDiff(base, LoraTestSupport.hidden(enc, b));
                // A, B are stored in fp32 precision (float draws) and W0 is corrected by exactly s·B A in fp64
                assertTrue(d <= 1e-9, "PiSSA at init changes f by " + d);
                LoraLinear q = lm.adapters().get("encoder.layer.0.attention.self.query");
                double[] wres = enc.parameter("encoder.layer.0.attention.self.query.weight").toDoubleArray();
                double wNorm = 0;
                double resNorm = 0;
                for (int i = 0; i < w0.length; i++) {
                    wNorm += w0[i] * w0[i];
                    resNorm += wres[i] * wres[i];
                }
                assertTrue(resNorm < wNorm, "the residual W0 − s·B A must be smaller than W0 (top-4 of 16 removed)");
                assertEquals(4, q.rank());
            }
            double[] after = enc.parameter("encoder.layer.0.attention.self.query.weight").toDoubleArray();
            assertTrue(LoraTestSupport.maxAbsDiff(w0, after) <= 1e-12, "close() must restore W0");
        }
    }

    @Test
    void badRanksAndTargetsAreOneLineErrors() {
        LorankException zero = assertThrows(LorankException.class, () -> LoraConfig.defaults().withRank(0));
        assertTrue(zero.getMessage().startsWith("--rank: 0 is not allowed"), zero.getMessage());
        Checkpoint ck = LoraTestSupport.tinyBert(dir, 5);
        try (Encoder enc = Encoder.load(ck)) {
            LorankException big = assertThrows(LorankException.class,
                    () -> LoraModel.inject(enc, LoraConfig.defaults().withRank(17), 1));
            assertEquals("--rank: 17 is too large for encoder.layer.0.attention.self.query [16, 16]; expected "
                    + "1 <= r <= min(m, n) = 16", big.getMessage());
            LorankException name = assertThrows(LorankException.class,
                    () -> LoraModel.inject(enc, LoraConfig.defaults().withTargets("q_proj"), 1));
            assertTrue(name.getMessage().contains("'q_proj' names no Linear module") && name.getMessage()
                    .contains("query") && name.getMessage().contains("all-linear"), name.getMessage());
            LorankException pattern = assertThrows(LorankException.class, () -> LoraModel.inject(enc,
                    new LoraConfig(2, 4, false, 0, LoraInit.KAIMING_UNIFORM, "query", Map.of("layer.0.key", 1)), 1));
            assertTrue(pattern.getMessage().startsWith("rank_pattern: 'layer.0.key' matches none"), pattern.getMessage());
        }
    }

    @Test
    void rankPatternAndRsloraScaling() {
        LoraConfig c = new LoraConfig(4, 8, true, 0, LoraInit.KAIMING_UNIFORM, "query,value",
                Map.of("layer.1.attention.self.value", 2));
        assertEquals(4.0, c.scaling(4), 0.0, "rsLoRA: alpha/√r");
        assertEquals(2.0, LoraConfig.defaults().scaling(8), 0.0, "alpha/r = 16/8");
        Checkpoint ck = LoraTestSupport.tinyBert(dir, 6);
        try (Encoder enc = Encoder.load(ck); LoraModel lm = LoraModel.inject(enc, c, 1)) {
            assertEquals(2, lm.adapters().get("encoder.layer.1.attention.self.value").rank());
            assertEquals(4, lm.adapters().get("encoder.layer.0.attention.self.value").rank());
            assertEquals(8 / Math.sqrt(2), lm.adapters().get("encoder.layer.1.attention.self.value").scaling(), 1e-15);
        }
    }
}
