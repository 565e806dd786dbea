package io.lorank.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.lorank.data.Example;
import io.lorank.data.Task;
import io.lorank.data.TaskRegistry;
import io.lorank.encoder.Embedder;
import io.lorank.engine.Engines;
import io.lorank.model.Pooling;
import io.lorank.probe.LinearProbe;
import io.lorank.probe.ProbeFit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedding prompt head against an independent computation from {@link Embedder}'s pooled vectors, its scale
 * properties and gradients; the linear-probe head's parameters, logits, gradients and binary view.
 */
class FeatureHeadTest {
    @TempDir
    Path dir;

    @Test
    void promptTextDropsTheMaskAndLeadingPunctuation() {
        Example e = new Example("x", "a gorgeous film .", null, 1);
        assertEquals("a gorgeous film . It was.", PooledFeatures.promptText(TaskRegistry.get("SST-2"), e));
        assertEquals("a theory of mind", PooledFeatures.promptText(TaskRegistry.get("wordnet-binary"),
                new Example("w", "a theory of mind", null, 0)));
        assertEquals("The cat sat?, a cat is sitting.", PooledFeatures.promptText(TaskRegistry.get("RTE"),
                new Example("p", "The cat sat.", "A cat is sitting.", 0)));
        assertEquals("the dog runs ?, the cat sleeps .", PooledFeatures.promptText(HeadTestSupport.nli(),
                HeadTestSupport.pairs().get(0)));
    }

    @Test
    void embeddingHeadEqualsScaledCosinesOfEmbedderVectors() {
        TinyModels.bert(dir, 31, false);
        for (Task task : List.of(HeadTestSupport.sentiment(), HeadTestSupport.nli())) {
            List<Example> ex = task == null ? null : task.kind() == io.lorank.data.TaskKind.PAIR
                    ? HeadTestSupport.pairs() : HeadTestSupport.sentences();
            List<String> texts = new ArrayList<>();
            for (Example e : ex) {
                texts.add(PooledFeatures.promptText(task, e));
            }
            texts.addAll(task.labelDescriptions());
            // independent path: Embedder tokenizes, runs one batch, mean-pools and normalizes on its own
            float[][] v = Embedder.embed(new Embedder.Request(dir.toString(), null, Pooling.MEAN, true, 38, texts))
                    .embeddings();
            int n = ex.size();
            try (Backbone bb = HeadTestSupport.backbone(dir, DataType.FLOAT32);
                 FeatureHead h20 = FeatureHead.embedding(bb, task, 20);
                 FeatureHead h5 = FeatureHead.embedding(bb, task, 5)) {
                double[][] z = h20.logits(ex);
                double[][] z5 = h5.logits(ex);
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < task.numClasses(); c++) {
                        double cos = 0;
                        for (int j = 0; j < v[i].length; j++) {
                            cos += (double) v[i][j] * v[n + c][j];
                        }
                        // fp32 vectors from two batchings: cosines agree to ~1e-7, times s = 20
                        assertEquals(20 * cos, z[i][c], 1e-5, task.name() + " example " + i + " class " + c);
                        assertEquals(4 * z5[i][c], z[i][c], 1e-12 * 20, "logits scale linearly with s");
                        assertTrue(Math.abs(z[i][c]) <= 20 * (1 + 1e-6), "|s cos| <= s");
                    }
                }
                assertArrayEquals(ClassifierHead.predict(z), ClassifierHead.predict(z5), "argmax does not depend on s");
                // unit-norm features; the NDArray path equals the fp64 eval path
                double[][] phi = h20.featureMap().features(ex);
                for (double[] row : phi) {
                    double s = 0;
                    for (double x : row) {
                        s += x * x;
                    }
                    assertEquals(1, Math.sqrt(s), 1e-6, "‖φ‖ = 1");
                }
                try (NDManager m = Engines.newManager()) {
                    float[] f = h20.forward(ex, m).toFloatArray();
                    for (int i = 0; i < n; i++) {
                        for (int c = 0; c < task.numClasses(); c++) {
                            assertEquals(z[i][c], f[i * task.numClasses() + c], 1e-5, "forward vs logits");
                        }
                    }
                }
            }
        }
    }

    @Test
    void embeddingHeadIsDifferentiableInTheEncoderAndPrototypesAreFrozen() {
        TinyModels.bert(dir, 4, false);
        try (Backbone bb = HeadTestSupport.backbone(dir, DataType.FLOAT64);
             FeatureHead head = FeatureHead.embedding(bb, HeadTestSupport.nli(), 20)) {
            double[][] before = head.weight();
            for (String p : List.of("encoder.layer.0.attention.self.key.weight", "encoder.layer.1.output.LayerNorm.weight")) {
                HeadTestSupport.gradientCheck(bb.encoder(), p, m -> head.forward(HeadTestSupport.pairs(), m), 17);
            }
            assertTrue(java.util.Arrays.deepEquals(before, head.weight()), "prototypes are computed once, at W0");
        }
    }

    @Test
    void probeHeadExposesItsFitAsParametersWithExactGradients() {
        TinyModels.bert(dir, 9, false);
        Task task = HeadTestSupport.sentiment();
        List<Example> ex = HeadTestSupport.sentences();
        try (Backbone bb = HeadTestSupport.backbone(dir, DataType.FLOAT32)) {
            PooledFeatures f = new PooledFeatures(bb, task, PooledFeatures.Input.TEXT);
            double[][] phi = f.features(ex);
            int[] y = ex.stream().mapToInt(Example::label).toArray();
            ProbeFit fit = LinearProbe.fit(phi, y, 2, LinearProbe.Config.defaults());
            try (FeatureHead head = FeatureHead.probe(f, fit); NDManager m = Engines.newManager()) {
                NDArray w = head.parameters().get("head.weight");
                NDArray b = head.parameters().get("head.bias");
                assertArrayEquals(new long[] {2, 16}, w.getShape().getShape());
                double[] wf = w.toType(DataType.FLOAT64, false).toDoubleArray();
                for (int c = 0; c < 2; c++) {
                    for (int j = 0; j < 16; j++) {
                        assertEquals(fit.weights()[c][j], wf[c * 16 + j], 1e-6 * Math.max(1, Math.abs(wf[c * 16 + j])));
                    }
                }
                double[][] want = fit.logits(phi);
                double[][] got = head.logits(ex);
                NDArray z;
                double[] r = new double[ex.size() * 2];
                Random rnd = new Random(2);
                for (int k = 0; k < r.length; k++) {
                    r[k] = rnd.nextGaussian();
                }
                w.setRequiresGradient(true);
                b.setRequiresGradient(true);
                try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                    z = head.forward(ex, m);
                    gc.backward(z.mul(m.create(r, z.getShape()).toType(DataType.FLOAT32, false)).sum());
                }
                float[] zf = z.toFloatArray();
                double[] fb = ClassifierHead.binaryLogit(got);
                float[] fbNd = ClassifierHead.binaryLogit(z).toFloatArray();
                ProbeFit.BinaryView bin = fit.binary();
                double[] pm = ClassifierHead.signedLabels(y);
                for (int i = 0; i < ex.size(); i++) {
                    for (int c = 0; c < 2; c++) {
                        assertEquals(want[i][c], got[i][c], 1e-9 + 1e-6 * Math.abs(want[i][c]), "fp64 path");
                        assertEquals(want[i][c], zf[i * 2 + c], 1e-4, "fp32 forward");
                    }
                    assertEquals(bin.f(phi[i]), fb[i], 1e-9, "binary view z1 - z0 = w·φ + b");
                    assertEquals(bin.f(phi[i]), fbNd[i], 1e-4, "binary view on the engine");
                    assertEquals(y[i] == 1 ? 1.0 : -1.0, pm[i], 0.0, "labels ±1");
                    // margin y·f > 0 exactly when the 2-class argmax is right
                    assertEquals(ClassifierHead.predict(got)[i] == y[i], pm[i] * fb[i] > 0, "sign of y·f");
                }
                // L = Σ r_ic z_ic: ∂L/∂W = Σ_i r_i φ_iᵀ [2, d], ∂L/∂b = Σ_i r_i (closed form; fp32 engine)
                float[] gw = w.getGradient().toFloatArray();
                float[] gb = b.getGradient().toFloatArray();
                for (int c = 0; c < 2; c++) {
                    double sb = 0;
                    for (int i = 0; i < ex.size(); i++) {
                        sb += r[i * 2 + c];
                    }
                    assertEquals(sb, gb[c], 1e-5, "dL/db");
                    for (int j = 0; j < 16; j++) {
                        double s = 0;
                        for (int i = 0; i < ex.size(); i++) {
                            s += r[i * 2 + c] * phi[i][j];
                        }
                        assertEquals(s, gw[c * 16 + j], 1e-5, "dL/dW[" + c + "," + j + "]");
                    }
                }
            }
        }
    }

    @Test
    void probeTrainerPicksLambdaOnDevAndRefitsNothingElse() {
        Random rnd = new Random(4);
        int d = 6;
        double[][] tr = new double[20][d];
        double[][] dv = new double[20][d];
        int[] ytr = new int[20];
        int[] ydv = new int[20];
        for (double[][] x : List.of(tr, dv)) {
            int[] y = x == tr ? ytr : ydv;
            for (int i = 0; i < 20; i++) {
                y[i] = i % 2;
                for (int j = 0; j < d; j++) {
                    x[i][j] = rnd.nextGaussian() + (j == 0 ? 1.5 * (2 * y[i] - 1) : 0);
                }
            }
        }
        ProbeTrainer.Result r = ProbeTrainer.fit(tr, ytr, dv, ydv, 2);
        int at = ProbeTrainer.LAMBDAS.indexOf(r.lambda());
        for (int i = 0; i < r.devAccuracy().length; i++) {
            assertTrue(r.devAccuracy()[i] <= r.devAccuracy()[at], "chosen λ has the best dev accuracy");
            if (i > at) {
                assertTrue(r.devAccuracy()[i] < r.devAccuracy()[at], "ties go to the larger λ");
            }
        }
        ProbeFit again = LinearProbe.fit(tr, ytr, 2, new LinearProbe.Config(r.lambda(), 1e-10, 100));
        assertArrayEquals(again.flat(), r.fit().flat(), 1e-12, "the returned probe is the train-only fit at that λ");
    }
}
