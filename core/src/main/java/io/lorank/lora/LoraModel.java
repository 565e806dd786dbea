package io.lorank.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.lorank.encoder.Encoder;
import io.lorank.encoder.Linear;
import io.lorank.encoder.LinearTarget;
import io.lorank.engine.Engines;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * LoRA injected into an {@link Encoder} (PEFT's {@code LoraModel}): one {@link LoraLinear} per selected target,
 * attached to its {@link Linear}; every base weight frozen. Owns A and B (close it to detach the adapters and free
 * them). {@link #merge} folds ΔW into the base weights.
 *
 * <p>Determinism: A is drawn from {@code java.util.Random(seed)} target by target in encoder order, and each
 * adapter's dropout masks from its own {@code Random} derived from the seed, so the same seed gives the same adapter
 * and the same masks on every machine.
 */
public final class LoraModel implements AutoCloseable {
    private final Encoder encoder;
    private final LoraConfig config;
    private final NDManager manager;
    private final Map<String, LoraLinear> adapters = new LinkedHashMap<>();
    /** PiSSA only: the initial factors (B0 [m, r], A0 [r, n]) the base weight was corrected by. */
    private final Map<String, NDArray[]> pissaStart = new LinkedHashMap<>();
    private boolean attached = true;
    private final long seed;

    private LoraModel(Encoder encoder, LoraConfig config, long seed) {
        this.seed = seed;
        this.encoder = encoder;
        this.config = config;
        this.manager = Engines.newManager();
    }

    /** Injects fresh adapters initialised by {@code config.init()} with {@code seed}. */
    public static LoraModel inject(Encoder encoder, LoraConfig config, long seed) {
        List<LinearTarget> targets = config.resolve(encoder.targets());
        LoraModel lm = new LoraModel(encoder, config, seed);
        Random rnd = new Random(seed);
        encoder.setTrainable(n -> false);
        for (LinearTarget t : targets) {
            int r = config.rankOf(t);
            double s = config.scaling(r);
            float[] a = new float[r * t.in()];
            float[] b = new float[t.out() * r];
            switch (config.init()) {
                case KAIMING_UNIFORM -> {
                    double bound = 1 / Math.sqrt(t.in()); // kaiming_uniform(a=√5): gain √(1/3) · √(3/fan_in)
                    for (int k = 0; k < a.length; k++) {
                        a[k] = (float) ((2 * rnd.nextDouble() - 1) * bound);
                    }
                }
                case GAUSSIAN -> {
                    for (int k = 0; k < a.length; k++) {
                        a[k] = (float) (rnd.nextGaussian() / r);
                    }
                }
                case PISSA -> pissa(encoder.linears().get(t.name()), r, s, a, b);
            }
            LoraLinear l = lm.add(t, r, s, a, b);
            if (config.init() == LoraInit.PISSA) {
                NDArray w = encoder.linears().get(t.name()).weight().getArray();
                try (NDArray d = l.deltaWeight()) {
                    w.subi(d.toType(w.getDataType(), false));                 // W0 − s·B A: f unchanged at init
                }
                lm.pissaStart.put(t.name(), new NDArray[] {l.b().duplicate(), l.a().duplicate()});
            }
        }
        return lm;
    }

    /**
     * Attaches given factors (a loaded adapter): {@code factors} maps each target of {@code config} to {A [r, n],
     * B [m, r]} row-major floats, already checked against the encoder's shapes.
     */
    public static LoraModel of(Encoder encoder, LoraConfig config, Map<String, float[][]> factors) {
        List<LinearTarget> targets = config.resolve(encoder.targets());
        LoraModel lm = new LoraModel(encoder, config, 0);
        encoder.setTrainable(n -> false);
        for (LinearTarget t : targets) {
            int r = config.rankOf(t);
            float[][] ab = factors.get(t.name());
            lm.add(t, r, config.scaling(r), ab[0], ab[1]);
        }
        return lm;
    }

    private LoraLinear add(LinearTarget t, int r, double s, float[] a, float[] b) {
        DataType type = encoder.dataType();
        NDArray aa = manager.create(a, new Shape(r, t.in())).toType(type, false);
        NDArray bb = manager.create(b, new Shape(t.out(), r)).toType(type, false);
        aa.setRequiresGradient(true);
        bb.setRequiresGradient(true);
        // each adapter its own dropout stream, fixed by the model's seed and the target's position
        LoraLinear l = new LoraLinear(t, r, s, config.dropout(), aa, bb, new Random(seed * 1_000_003L + adapters.size()));
        encoder.linears().get(t.name()).setAdapter(l);
        adapters.put(t.name(), l);
        return l;
    }

    /** PiSSA factors from the SVD W0 = U S Vᵀ (fp64): A = √(S_r/s) V_rᵀ [r, n], B = U_r √(S_r/s) [m, r]. */
    private static void pissa(Linear linear, int r, double s, float[] a, float[] b) {
        int m = linear.outFeatures();
        int n = linear.inFeatures();
        double[] w = linear.weight().getArray().toType(DataType.FLOAT64, false).toDoubleArray();
        DMatrixRMaj wm = DMatrixRMaj.wrap(m, n, w);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m, n, true, true, true);
        if (!svd.decompose(wm.copy())) {
            throw new IllegalStateException("SVD of " + linear.prefix() + ".weight failed");
        }
        DMatrixRMaj u = svd.getU(null, false);   // [m, k]
        DMatrixRMaj v = svd.getV(null, false);   // [n, k]
        DMatrixRMaj sv = svd.getW(null);         // [k, k]
        SingularOps_DDRM.descendingOrder(u, false, sv, v, false);
        for (int k = 0; k < r; k++) {
            double root = Math.sqrt(sv.get(k, k) / s);
            for (int j = 0; j < n; j++) {
                a[k * n + j] = (float) (root * v.get(j, k));
            }
            for (int i = 0; i < m; i++) {
                b[i * r + k] = (float) (u.get(i, k) * root);
            }
        }
    }

    /** The adapters by HF module name, in encoder order. */
    public Map<String, LoraLinear> adapters() {
        return Collections.unmodifiableMap(adapters);
    }

    /** A and B of every adapter, in encoder order (A then B per target): the trainable arrays. */
    public List<NDArray> trainable() {
        List<NDArray> p = new ArrayList<>();
        for (LoraLinear l : adapters.values()) {
            p.add(l.a());
            p.add(l.b());
        }
        return p;
    }

    /** Turns adapter dropout on (training) or off (evaluation). */
    public void setTraining(boolean on) {
        adapters.values().forEach(l -> l.setTraining(on));
    }

    /**
     * The factors to save, relative to the original W0: A [r', n], B [m, r'] with s·B A = ΔW. For PEFT's default
     * init that is A, B themselves; for PiSSA (whose base weight was corrected) it is PEFT's conversion to a plain
     * LoRA of rank 2r: A' = [A; A0], B' = [B, −B0] (same scaling), so the adapter applies to the unmodified W0.
     */
    public Map<String, float[][]> savedFactors() {
        Map<String, float[][]> out = new LinkedHashMap<>();
        for (LoraLinear l : adapters.values()) {
            NDArray[] start = pissaStart.get(l.target().name());
            if (start == null) {
                out.put(l.target().name(), new float[][] {floats(l.a()), floats(l.b())});
            } else {
                try (NDArray a = l.a().concat(start[1], 0);                 // [2r, n]
                     NDArray negB0 = start[0].neg();
                     NDArray b = l.b().concat(negB0, 1)) {                  // [m, 2r]
                    out.put(l.target().name(), new float[][] {floats(a), floats(b)});
                }
            }
        }
        return out;
    }

    /** The ranks of the saved factors ({@link #savedFactors}): r, or 2r for PiSSA. */
    public int savedRank(String module) {
        int r = adapters.get(module).rank();
        return pissaStart.containsKey(module) ? 2 * r : r;
    }

    /** Folds every ΔW = s·B A into its base weight and detaches the adapters (the encoder then is W0 + ΔW). */
    public void merge() {
        for (LoraLinear l : adapters.values()) {
            NDArray w = encoder.linears().get(l.target().name()).weight().getArray();
            try (NDArray d = l.deltaWeight()) {
                w.addi(d.toType(w.getDataType(), false));
            }
        }
        pissaStart.clear(); // the corrected W0 + s·B A is the trained weight: nothing to restore
        detach();
    }

    private void detach() {
        if (attached) {
            for (String name : adapters.keySet()) {
                encoder.linears().get(name).setAdapter(null);
            }
            attached = false;
        }
    }

    public LoraConfig config() {
        return config;
    }

    public Encoder encoder() {
        return encoder;
    }

    /** Detaches the adapters (restoring W0 where PiSSA corrected it) and frees A and B. */
    @Override
    public void close() {
        for (var e : pissaStart.entrySet()) {
            NDArray w = encoder.linears().get(e.getKey()).weight().getArray();
            double s = adapters.get(e.getKey()).scaling();
            try (NDArray d = e.getValue()[0].matMul(e.getValue()[1]).mul(s)) {
                w.addi(d.toType(w.getDataType(), false));
            }
        }
        pissaStart.clear();
        detach();
        manager.close();
    }

    static float[] floats(NDArray x) {
        return x.toType(DataType.FLOAT32, false).toFloatArray();
    }
}
