package io.lorank.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.lorank.LorankException;
import io.lorank.data.Example;
import io.lorank.data.Task;
import io.lorank.engine.Engines;
import io.lorank.probe.ProbeFit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A linear readout on the unit-norm pooled feature φ(x) [d] ({@link PooledFeatures}):
 * <pre>
 *   z(x) = W φ(x) + b         W [C, d] ({@code head.weight}), b [C] ({@code head.bias})
 * </pre>
 * Two heads share this form, so LoRA/linearized fine-tuning can start from either:
 * <ul>
 *   <li><b>embedding prompt</b> ({@link #embedding}): W = s·P, b = 0, P [C, d] the unit-norm embeddings of the
 *       task's label descriptions computed once at W0 and then frozen, so z_c = s·cos(pool(prompt(x)), pool(desc_c)).
 *       Frozen prototypes keep the head a fixed linear map of φ: its gradient, its linearization and its eNTK
 *       involve only the example's own forward (recomputing P would add a second, class-side path through the
 *       encoder to every gradient), and it is exactly a linear-probe initialization, so LP-FT code needs one path.</li>
 *   <li><b>linear probe</b> ({@link #probe}): W, b from {@link io.lorank.probe.LinearProbe} on φ of the k-shot train
 *       set; {@link #parameters()} exposes them as the head's trainable parameters (LP-FT).</li>
 * </ul>
 * The readout's arrays live in the head's own manager, in the encoder's float type.
 */
public final class FeatureHead implements ClassifierHead {
    /**
     * Default temperature s of the embedding head: all-MiniLM-L6-v2 (and the other all-* sentence-transformers)
     * were trained with MultipleNegativesRankingLoss at scale 20 (SimCSE's τ = 0.05), so s = 20 puts the logits on
     * the scale the encoder's cosines were trained for. Accuracy does not depend on s; a loss does.
     */
    public static final double DEFAULT_SCALE = 20;

    private final HeadKind kind;
    private final PooledFeatures features;
    private final double[][] weight; // [C][d]
    private final double[] bias;     // [C]
    private final NDManager manager;
    private final NDArray weightArray; // [C, d]
    private final NDArray biasArray;   // [C]

    private FeatureHead(HeadKind kind, PooledFeatures features, double[][] weight, double[] bias) {
        int d = features.dim();
        if (weight.length != features.task().numClasses() || bias.length != weight.length) {
            throw new IllegalArgumentException("readout has " + weight.length + " rows and " + bias.length
                    + " biases for " + features.task().numClasses() + " classes");
        }
        for (double[] row : weight) {
            if (row.length != d) {
                throw new IllegalArgumentException("readout row has " + row.length + " values, features have " + d);
            }
        }
        this.kind = kind;
        this.features = features;
        this.weight = weight;
        this.bias = bias;
        DataType type = features.backbone().encoder().dataType();
        manager = Engines.newManager();
        float[] w = new float[weight.length * d];
        float[] b = new float[bias.length];
        for (int c = 0; c < weight.length; c++) {
            for (int j = 0; j < d; j++) {
                w[c * d + j] = (float) weight[c][j];
            }
            b[c] = (float) bias[c];
        }
        weightArray = manager.create(w, new Shape(weight.length, d)).toType(type, false);
        biasArray = manager.create(b, new Shape(bias.length)).toType(type, false);
    }

    /** The embedding prompt head with temperature {@code scale} (features read {@link PooledFeatures.Input#PROMPT}). */
    public static FeatureHead embedding(Backbone backbone, Task task, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new LorankException("--scale: " + scale + " is not allowed; expected a finite value > 0");
        }
        if (!task.verbalizer().hasDescriptions()) {
            throw new LorankException("task " + task.name() + ": defines no label descriptions; the embedding head "
                    + "needs one sentence per label (e.g. 'It was great.')");
        }
        PooledFeatures f = new PooledFeatures(backbone, task, PooledFeatures.Input.PROMPT);
        double[][] p = prototypes(f, task.labelDescriptions());
        for (double[] row : p) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= scale;
            }
        }
        return new FeatureHead(HeadKind.EMBEDDING, f, p, new double[p.length]);
    }

    /** Unit-norm pooled embeddings of the label descriptions at the current weights [C][d]. */
    public static double[][] prototypes(PooledFeatures f, List<String> descriptions) {
        try (NDManager m = Engines.newManager()) {
            float[] v = f.forwardTexts(descriptions, m).toType(DataType.FLOAT32, false).toFloatArray();
            int d = f.dim();
            double[][] p = new double[descriptions.size()][d];
            for (int c = 0; c < p.length; c++) {
                for (int j = 0; j < d; j++) {
                    p[c][j] = v[c * d + j];
                }
            }
            return p;
        }
    }

    /** The linear-probe head with a fitted probe on {@code features}. */
    public static FeatureHead probe(PooledFeatures features, ProbeFit fit) {
        return new FeatureHead(HeadKind.PROBE, features, fit.weights(), fit.bias());
    }

    /**
     * A readout restored from files (a fine-tuned adapter's probe, or the W0 prototypes stored with a merged model):
     * W [C][d], b [C] on {@code features}; {@code kind} EMBEDDING or PROBE says which features it reads.
     */
    public static FeatureHead readout(HeadKind kind, PooledFeatures features, double[][] weight, double[] bias) {
        if (kind == HeadKind.MLM) {
            throw new IllegalArgumentException("the MLM head has no stored readout");
        }
        return new FeatureHead(kind, features, weight, bias);
    }

    @Override
    public NDArray forward(List<Example> batch, NDManager m, io.lorank.encoder.LinearTaps taps) {
        NDArray phi = features.forward(batch, m, taps);                            // [B, d]
        return phi.matMul(weightArray.transpose()).add(biasArray);             // [B, C]
    }

    @Override
    public double[][] logits(List<Example> examples) {
        return logitsOf(features.features(examples));
    }

    /** z = W φ + b in fp64 for precomputed features [N][d] (the eval path: features are cached across seeds). */
    public double[][] logitsOf(double[][] phi) {
        double[][] z = new double[phi.length][bias.length];
        for (int i = 0; i < phi.length; i++) {
            for (int c = 0; c < bias.length; c++) {
                double s = bias[c];
                for (int j = 0; j < phi[i].length; j++) {
                    s += weight[c][j] * phi[i][j];
                }
                z[i][c] = s;
            }
        }
        return z;
    }

    /** {@code head.weight} [C, d] and {@code head.bias} [C]; they do not require gradients until asked to. */
    @Override
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put("head.weight", weightArray);
        p.put("head.bias", biasArray);
        return p;
    }

    /** W [C][d] (a copy). */
    public double[][] weight() {
        double[][] w = new double[weight.length][];
        for (int c = 0; c < w.length; c++) {
            w[c] = weight[c].clone();
        }
        return w;
    }

    public double[] bias() {
        return bias.clone();
    }

    public PooledFeatures featureMap() {
        return features;
    }

    @Override
    public HeadKind kind() {
        return kind;
    }

    @Override
    public Task task() {
        return features.task();
    }

    @Override
    public void close() {
        manager.close();
    }
}
