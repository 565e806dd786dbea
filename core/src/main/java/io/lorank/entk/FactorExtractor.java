package io.lorank.entk;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.lorank.LorankException;
import io.lorank.data.Example;
import io.lorank.encoder.Encoder;
import io.lorank.encoder.LinearTaps;
import io.lorank.encoder.LinearTarget;
import io.lorank.engine.Engines;
import io.lorank.head.ClassifierHead;
import io.lorank.linearized.GradientFactors;
import io.lorank.util.Progress;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Extracts the {@link GradientFactors} of a head's outputs at W0: per example i, output k and target l, X_il
 * [T_i, n] (the Linear's input) and D_ikl [T_i, m] (∂f_k/∂y at the Linear's output), only at real tokens, so that
 * G_ikl = D_iklᵀ X_il = ∂f_k(x_i)/∂W_l. The outputs f are the head's K logits, or with {@code binary} the single
 * logit z₁ − z₀ (K = 1).
 *
 * <p>Examples are processed in chunks of {@code chunk} (memory: one chunk's activations and autograd graph), each
 * in one forward. All K outputs come from that forward in one of two ways ({@link Mode}): the chunk repeated K
 * times with L = Σ_k Σ_i f_k(copy k of x_i) and one backward, or one backward per output with the graph retained.
 * Encoder weights get no gradients (only the zero probes of {@link LinearTaps} require them).
 */
public final class FactorExtractor {
    /** How the K output gradients are taken from one forward. */
    public enum Mode { REPEAT_BATCH, BACKWARD_PER_OUTPUT }

    /** Default examples per forward: bounds memory to one chunk of 16 (× K copies with REPEAT_BATCH). */
    public static final int DEFAULT_CHUNK = 16;

    /** The factors and the outputs f(W0) [N][K] of the same forward. */
    public record Extraction(GradientFactors factors, double[][] f0) {
    }

    private final ClassifierHead head;
    private final Encoder encoder;
    private final List<LinearTarget> targets;
    private final boolean binary;
    private final int chunk;
    private final Mode mode;

    public FactorExtractor(ClassifierHead head, Encoder encoder, List<LinearTarget> targets, boolean binary,
                           int chunk, Mode mode) {
        if (chunk < 1) {
            throw new LorankException("--chunk: " + chunk + " is not allowed; expected >= 1 examples per forward");
        }
        if (binary && head.numClasses() != 2) {
            throw new LorankException("--binary: task " + head.task().name() + " has " + head.numClasses()
                    + " classes; the single logit z1 - z0 needs 2");
        }
        this.head = head;
        this.encoder = encoder;
        this.targets = List.copyOf(targets);
        this.binary = binary;
        this.chunk = chunk;
        this.mode = mode;
    }

    /** K: outputs per example. */
    public int outputs() {
        return binary ? 1 : head.numClasses();
    }

    public List<LinearTarget> targets() {
        return targets;
    }

    /** Factors of {@code examples} in order, with a progress bar over chunks. */
    public Extraction extract(List<Example> examples, String label) {
        return extract(examples, label, true);
    }

    /** Factors of {@code examples} in order; {@code progress}: show a bar (off for the chunks of a streamed pass). */
    public Extraction extract(List<Example> examples, String label, boolean progress) {
        if (examples.isEmpty()) {
            throw new LorankException(label + ": no examples to extract gradient factors from");
        }
        int k = outputs();
        int nt = targets.size();
        List<float[][]> xs = new ArrayList<>();
        List<float[][]> ds = new ArrayList<>();
        List<int[]> lens = new ArrayList<>();
        double[][] f0 = new double[examples.size()][];
        encoder.setTrainable(n -> false);
        try (Progress p = progress ? Progress.start(label + " gradient factors", examples.size()) : null) {
            for (int from = 0; from < examples.size(); from += chunk) {
                List<Example> batch = examples.subList(from, Math.min(examples.size(), from + chunk));
                Chunk c = chunk(batch, k);
                xs.add(c.x);
                ds.add(c.d);
                lens.add(c.tokens);
                System.arraycopy(c.f0, 0, f0, from, batch.size());
                if (p != null) {
                    p.stepBy(batch.size());
                }
            }
        }
        int[] offsets = new int[examples.size() + 1];
        int i = 0;
        for (int[] t : lens) {
            for (int ti : t) {
                offsets[i + 1] = offsets[i] + ti;
                i++;
            }
        }
        int total = offsets[examples.size()];
        float[][] x = new float[nt][];
        float[][] d = new float[nt][];
        for (int l = 0; l < nt; l++) {
            int n = targets.get(l).in();
            int m = targets.get(l).out();
            x[l] = new float[total * n];
            d[l] = new float[k * total * m];
            int pos = 0;
            for (int c = 0; c < xs.size(); c++) {
                float[] cx = xs.get(c)[l];
                float[] cd = ds.get(c)[l];
                int ct = cx.length / n;
                System.arraycopy(cx, 0, x[l], pos * n, ct * n);
                for (int kk = 0; kk < k; kk++) {
                    System.arraycopy(cd, kk * ct * m, d[l], (kk * total + pos) * m, ct * m);
                }
                pos += ct;
            }
            for (int c = 0; c < xs.size(); c++) { // free chunk arrays of this target early
                xs.get(c)[l] = null;
                ds.get(c)[l] = null;
            }
        }
        return new Extraction(new GradientFactors(targets, k, offsets, x, d), f0);
    }

    /** One chunk: X [ΣT_c, n] and D [K, ΣT_c, m] per target (real tokens only), f0 [B][K], T_i. */
    private record Chunk(float[][] x, float[][] d, double[][] f0, int[] tokens) {
    }

    private Chunk chunk(List<Example> batch, int k) {
        int b = batch.size();
        int copies = mode == Mode.REPEAT_BATCH ? k : 1;
        List<Example> rep = new ArrayList<>(b * copies);
        for (int c = 0; c < copies; c++) {
            rep.addAll(batch);
        }
        Set<String> names = new HashSet<>();
        targets.forEach(t -> names.add(t.name()));
        LinearTaps taps = new LinearTaps(names::contains);
        int nt = targets.size();
        float[][] x = new float[nt][];
        float[][] d = new float[nt][];
        double[][] f0 = new double[b][k];
        int[] tokens;
        try (NDManager m = Engines.newManager();
             GradientCollector gc = Engines.pytorch().newGradientCollector()) {
            NDArray logits = head.forward(rep, m, taps);                                       // [copies·B, C]
            NDArray out = binary ? ClassifierHead.binaryLogit(logits).reshape(copies * b, 1) : logits; // [copies·B, K]
            float[] fv = out.toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < b; i++) {
                for (int kk = 0; kk < k; kk++) {
                    f0[i][kk] = fv[i * k + kk];
                }
            }
            for (LinearTarget t : targets) {
                try {
                    taps.input(t.name());
                } catch (IllegalArgumentException e) {
                    throw new LorankException("target " + t.name() + " was not reached by the " + head.kind().lowerName()
                            + " head's forward; check --targets");
                }
            }
            int len = taps.paddedLength();
            long[] mask = taps.mask();
            tokens = new int[b];
            int real = 0;
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < len; j++) {
                    tokens[i] += mask[i * len + j] != 0 ? 1 : 0;
                }
                real += tokens[i];
            }
            for (int l = 0; l < nt; l++) {
                int n = targets.get(l).in();
                x[l] = realTokens(taps.input(targets.get(l).name()), mask, b, len, n, 0, new float[real * n], 0);
                d[l] = new float[k * real * targets.get(l).out()];
            }
            if (mode == Mode.REPEAT_BATCH) {
                float[] sel = new float[copies * b * k];
                for (int kk = 0; kk < k; kk++) {
                    for (int i = 0; i < b; i++) {
                        sel[(kk * b + i) * k + kk] = 1f;
                    }
                }
                NDArray s = m.create(sel, new Shape(copies * b, k)).toType(out.getDataType(), false);
                gc.backward(out.mul(s).sum());
                for (int l = 0; l < nt; l++) {
                    NDArray g = taps.outputGradient(targets.get(l).name());                      // [K·B, T, m]
                    int mm = targets.get(l).out();
                    for (int kk = 0; kk < k; kk++) {
                        realTokens(g, mask, b, len, mm, kk * b, d[l], kk * real * mm);
                    }
                }
            } else {
                for (int kk = 0; kk < k; kk++) {
                    NDArray fk = out.get(":, " + kk).sum();
                    JniUtils.backward((PtNDArray) fk, (PtNDArray) fk.onesLike(), kk < k - 1, false);
                    for (int l = 0; l < nt; l++) {
                        NDArray g = taps.outputGradient(targets.get(l).name());                  // [B, T, m]
                        int mm = targets.get(l).out();
                        realTokens(g, mask, b, len, mm, 0, d[l], kk * real * mm);
                        g.muli(0); // libtorch accumulates gradients across backward passes
                    }
                }
            }
        }
        return new Chunk(x, d, f0, tokens);
    }

    /**
     * Copies rows {@code rowOffset .. rowOffset + B − 1} of a [·, T, w] array, only at real tokens (mask of the first
     * B rows, identical for every copy), into {@code dst} from {@code at}.
     */
    private static float[] realTokens(NDArray a, long[] mask, int b, int len, int w, int rowOffset, float[] dst,
                                      int at) {
        float[] v = a.get(rowOffset + ":" + (rowOffset + b)).toType(DataType.FLOAT32, false).toFloatArray();
        int pos = at;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < len; j++) {
                if (mask[i * len + j] != 0) {
                    System.arraycopy(v, (i * len + j) * w, dst, pos, w);
                    pos += w;
                }
            }
        }
        return dst;
    }
}
