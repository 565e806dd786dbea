package io.lorank.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.lorank.data.Example;
import io.lorank.encoder.Encoder;
import io.lorank.encoder.LinearTarget;
import io.lorank.entk.FactorExtractor;
import io.lorank.head.ClassifierHead;
import io.lorank.kernel.CrossGram;
import io.lorank.linearized.FactoredOperator;
import io.lorank.lora.LoraLinear;
import io.lorank.lora.LoraModel;
import org.ejml.data.DMatrixRMaj;

import java.util.ArrayList;
import java.util.List;

/**
 * How far a fine-tuning run left the kernel (linearized) regime, on the LoRA targets' weights W_l:
 * <ul>
 *   <li><b>eNTK drift</b> on the train split: the kernel alignment
 *       A(Θ₀, Θ_T) = ⟨Θ₀, Θ_T⟩_F / (‖Θ₀‖_F ‖Θ_T‖_F) ∈ [−1, 1], Θ [N·K, N·K] the eNTK of the head's K logits with
 *       respect to the targets ({@link FactorExtractor} + {@link CrossGram#gram}), at W0 and at the trained weights
 *       (W0 + s·B A with the adapter attached, which is the merged model); 1 means the kernel did not move;</li>
 *   <li><b>linearized agreement</b> on test examples: the share whose arg-max agrees between the trained model's
 *       logits f(W0 + ΔW) and the linearized model's f0 + ⟨G(x), ΔW⟩, with f0 and G at W0 and ΔW_l = s·B_l A_l
 *       (one streamed pass over the test factors, in chunks of {@value #CHUNK}).</li>
 * </ul>
 * Both need the factors of K·N example gradients; the test pass costs about K backward passes per test example.
 */
public final class KernelDiagnostics {
    /** Test examples per streamed chunk. */
    static final int CHUNK = 16;

    /**
     * @param alignment     A(Θ₀, Θ_T) on the train split
     * @param agreement     share of the test examples with the same predicted class (NaN: not computed)
     * @param linearMetric  the task metric of the linearized model on those examples (NaN: not computed)
     * @param trainedMetric the trained model's metric on the same examples (NaN: not computed)
     * @param examples      test examples compared (0: not computed)
     * @param seconds       wall time of both diagnostics
     */
    public record Result(double alignment, double agreement, double linearMetric, double trainedMetric, int examples,
                         double seconds) {
    }

    private KernelDiagnostics() {
    }

    /** Θ [N·K, N·K] of {@code head}'s logits w.r.t. {@code targets} at the encoder's current weights. */
    public static DMatrixRMaj gram(ClassifierHead head, Encoder enc, List<LinearTarget> targets, List<Example> ex) {
        FactorExtractor fx = new FactorExtractor(head, enc, targets, false, FactorExtractor.DEFAULT_CHUNK,
                FactorExtractor.Mode.REPEAT_BATCH);
        return CrossGram.gram(fx.extract(ex, "eNTK", false).factors());
    }

    /** ⟨a, b⟩_F / (‖a‖_F ‖b‖_F), in fp64. */
    public static double alignment(DMatrixRMaj a, DMatrixRMaj b) {
        if (a.numRows != b.numRows || a.numCols != b.numCols) {
            throw new IllegalArgumentException("kernels " + a.numRows + "x" + a.numCols + " and " + b.numRows + "x"
                    + b.numCols + " differ in shape");
        }
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.data.length && i < a.getNumElements(); i++) {
            ab += a.data[i] * b.data[i];
            aa += a.data[i] * a.data[i];
            bb += b.data[i] * b.data[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    /**
     * The linearized logits f0 + ⟨G(x), ΔW⟩ [N][K] of {@code examples} for the adapter's ΔW_l = s·B_l A_l, with f0
     * and G at W0: B is set to 0 for the pass (the model is then exactly W0) and restored exactly afterwards.
     */
    public static double[][] linearizedLogits(ClassifierHead head, LoraModel lm, List<Example> examples) {
        List<LoraLinear> ls = new ArrayList<>(lm.adapters().values());
        List<LinearTarget> targets = ls.stream().map(LoraLinear::target).toList();
        DMatrixRMaj[] b = new DMatrixRMaj[ls.size()];
        DMatrixRMaj[] a = new DMatrixRMaj[ls.size()];
        for (int l = 0; l < ls.size(); l++) {
            LoraLinear x = ls.get(l);
            b[l] = matrix(x.b(), x.target().out(), x.rank(), x.scaling());   // s·B [m, r]
            a[l] = matrix(x.a(), x.rank(), x.target().in(), 1);              // A [r, n]
        }
        List<NDArray> saved = new ArrayList<>();
        for (LoraLinear x : ls) {
            NDArray copy = x.b().duplicate();
            copy.setRequiresGradient(false);
            saved.add(copy);
            x.b().subi(x.b());
        }
        lm.setTraining(false);
        try {
            FactorExtractor fx = new FactorExtractor(head, lm.encoder(), targets, false, CHUNK,
                    FactorExtractor.Mode.REPEAT_BATCH);
            int k = fx.outputs();
            double[][] out = new double[examples.size()][];
            for (int from = 0; from < examples.size(); from += CHUNK) {
                List<Example> part = examples.subList(from, Math.min(examples.size(), from + CHUNK));
                FactorExtractor.Extraction e = fx.extract(part, "linearized", false);
                double[] z = FactoredOperator.of(e.factors()).applyLowRank(b, a, null);
                for (int i = 0; i < part.size(); i++) {
                    double[] row = new double[k];
                    for (int c = 0; c < k; c++) {
                        row[c] = e.f0()[i][c] + z[i * k + c];
                    }
                    out[from + i] = row;
                }
            }
            return out;
        } finally {
            for (int l = 0; l < ls.size(); l++) {
                ls.get(l).b().addi(saved.get(l)); // 0 + B: exactly the trained B
                saved.get(l).close();
            }
        }
    }

    /** Share of rows whose arg-max agrees. */
    public static double agreement(double[][] x, double[][] y) {
        int[] px = ClassifierHead.predict(x);
        int[] py = ClassifierHead.predict(y);
        int same = 0;
        for (int i = 0; i < px.length; i++) {
            same += px[i] == py[i] ? 1 : 0;
        }
        return (double) same / px.length;
    }

    private static DMatrixRMaj matrix(NDArray x, int rows, int cols, double scale) {
        double[] v = x.toType(DataType.FLOAT64, false).toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return DMatrixRMaj.wrap(rows, cols, v);
    }
}
