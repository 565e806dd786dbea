package io.lorank.finetune;

import ai.djl.ndarray.types.DataType;
import io.lorank.data.Example;
import io.lorank.encoder.Encoder;
import io.lorank.encoder.LinearTarget;
import io.lorank.head.Backbone;
import io.lorank.head.FeatureHead;
import io.lorank.head.TinyModels;
import io.lorank.lora.LoraConfig;
import io.lorank.lora.LoraLinear;
import io.lorank.lora.LoraModel;
import io.lorank.model.Checkpoint;
import io.lorank.model.ModelSource;
import io.lorank.model.Pooling;
import io.lorank.text.TextTokenizer;
import io.lorank.text.TokenizerOptions;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.DoubleBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel-regime diagnostics on a tiny random BERT (fp64) with LoRA r = 2 on every Linear of the layers and the
 * embedding head: alignment 1 and agreement 100 % at ΔW = 0, the linearized logits equal to the nonlinear ones to
 * second order in ΔW, and B restored bit for bit.
 */
class KernelDiagnosticsTest {
    @TempDir
    Path dir;

    private static final List<Example> EXAMPLES = TrainerTest.TRAIN;

    private Backbone backbone() {
        TinyModels.bert(dir.resolve("m"), 3, false);
        Checkpoint ck = ModelSource.loadHfFolder(dir.resolve("m"), null);
        TextTokenizer tk = TextTokenizer.load(ck.tokenizer(), TokenizerOptions.defaults().withMaxLength(38));
        return new Backbone(Encoder.load(ck, DataType.FLOAT64), tk, Pooling.MEAN);
    }

    private static LoraModel lora(Backbone bb) {
        return LoraModel.inject(bb.encoder(), LoraConfig.defaults().withRank(2).withTargets("query,value"), 3);
    }

    /** B ← eps·N(0, 1) (seeded). */
    private static void setB(LoraModel lm, double eps, long seed) {
        Random rnd = new Random(seed);
        for (LoraLinear l : lm.adapters().values()) {
            double[] v = new double[(int) l.b().getShape().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = eps * rnd.nextGaussian();
            }
            l.b().set(DoubleBuffer.wrap(v));
        }
    }

    private static double maxAbs(double[][] x, double[][] y) {
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            for (int c = 0; c < x[i].length; c++) {
                d = Math.max(d, Math.abs(x[i][c] - y[i][c]));
            }
        }
        return d;
    }

    @Test
    void atBZeroTheKernelIsUnmovedAndTheLinearizedModelIsTheModel() {
        try (Backbone bb = backbone(); FeatureHead head = FeatureHead.embedding(bb, TrainerTest.TASK, 20);
             LoraModel lm = lora(bb)) {
            List<LinearTarget> targets = lm.adapters().values().stream().map(LoraLinear::target).toList();
            DMatrixRMaj t0 = KernelDiagnostics.gram(head, bb.encoder(), targets, EXAMPLES);
            DMatrixRMaj t1 = KernelDiagnostics.gram(head, bb.encoder(), targets, EXAMPLES);
            assertEquals(EXAMPLES.size() * 2, t0.numRows, "Θ is N·K square");
            assertEquals(1.0, KernelDiagnostics.alignment(t0, t1), 1e-12, "ΔW = 0: Θ_T = Θ0");
            double[][] f = Trainer.logits(head, EXAMPLES);
            double[][] lin = KernelDiagnostics.linearizedLogits(head, lm, EXAMPLES);
            // B = 0: <G, s·B A> = 0 exactly; f0 comes from the extractor's tapped forward (measured 9e-7 here on
            // logits of scale 20, i.e. fp32-level; the tolerance is the merge test's 1e-5)
            assertTrue(maxAbs(f, lin) <= 1e-5, "linearized vs model at B = 0: " + maxAbs(f, lin));
            assertEquals(1.0, KernelDiagnostics.agreement(f, lin), 0.0);
        }
    }

    @Test
    void linearizedLogitsMatchTheModelToSecondOrderAndBIsRestored() {
        try (Backbone bb = backbone(); FeatureHead head = FeatureHead.embedding(bb, TrainerTest.TASK, 20);
             LoraModel lm = lora(bb)) {
            List<LinearTarget> targets = lm.adapters().values().stream().map(LoraLinear::target).toList();
            DMatrixRMaj t0 = KernelDiagnostics.gram(head, bb.encoder(), targets, EXAMPLES);
            double[][] f0 = Trainer.logits(head, EXAMPLES);
            double[] errors = new double[2];
            double[] changes = new double[2];
            double[] eps = {1e-4, 1e-3};
            for (int e = 0; e < eps.length; e++) {
                setB(lm, eps[e], 11);
                double[] before = lm.adapters().values().iterator().next().b().toDoubleArray();
                double[][] f = Trainer.logits(head, EXAMPLES);
                double[][] lin = KernelDiagnostics.linearizedLogits(head, lm, EXAMPLES);
                assertArrayEquals(before, lm.adapters().values().iterator().next().b().toDoubleArray(), 0.0,
                        "B must be restored exactly");
                errors[e] = maxAbs(f, lin);
                changes[e] = maxAbs(f, f0);
            }
            // the change is first order in eps, the linearization error second order: measured change 2.6e-3 and
            // 2.6e-2, error 2.8e-6 and 2.8e-4 (x100); a scaling or sign slip in <G, s·B A> would make it first order
            assertTrue(changes[0] > 1e-4, "ΔW must move the logits: " + changes[0]);
            assertTrue(errors[0] <= 0.01 * changes[0], "linearization error " + errors[0] + " vs change " + changes[0]);
            assertTrue(errors[1] >= 30 * errors[0], "error must grow quadratically: " + errors[0] + " -> " + errors[1]);
            setB(lm, 3.0, 5); // a large ΔW moves the kernel
            double far = KernelDiagnostics.alignment(t0, KernelDiagnostics.gram(head, bb.encoder(), targets, EXAMPLES));
            assertTrue(far < 0.999 && far > -1, "alignment after a large ΔW: " + far);
        }
    }
}
