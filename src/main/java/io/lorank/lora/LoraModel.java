package io.lorank.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.lorank.LorankException;
import io.lorank.encoder.Encoder;
import io.lorank.encoder.Linear;
import io.lorank.encoder.LinearTarget;
import io.lorank.engine.Engines;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * LoRA injected into an {@link Encoder}: one {@link LoraLinear} per selected target, attached to the target's
 * {@link Linear}; every base weight is frozen ({@link Encoder#setTrainable} false) and only A and B require
 * gradients. The adapter arrays live in this object's manager, in the encoder's float type; {@link #close} detaches
 * the adapters and frees them (the encoder is left as it was, unless {@link #mergeIntoBase} ran).
 *
 * <p>Not thread-safe: one training loop owns it.
 */
public final class LoraModel implements AutoCloseable {
    private final Encoder encoder;
    private final LoraConfig config;
    private final NDManager manager;
    private final Map<String, LoraLinear> adapters = new LinkedHashMap<>();
    private boolean merged;

    private LoraModel(Encoder encoder, LoraConfig config) {
        this.encoder = encoder;
        this.config = config;
        this.manager = Engines.newManager();
    }

    /** Injects fresh adapters (A by {@code config.init()} from {@code seed}, B = 0). */
    public static LoraModel inject(Encoder encoder, LoraConfig config, long seed) {
        List<LinearTarget> targets = config.resolve(encoder.targets());
        LoraModel lm = new LoraModel(encoder, config);
        Random rnd = new Random(seed);
        Map<String, float[][]> init = new LinkedHashMap<>();
        for (LinearTarget t : targets) {
            int r = config.rankOf(t);
            float[] a = new float[r * t.in()];
            double bound = 1 / Math.sqrt(t.in());
            for (int k = 0; k < a.length; k++) {
                a[k] = (float) (config.init() == LoraInit.KAIMING_UNIFORM ? bound * (2 * rnd.nextDouble() - 1)
                        : rnd.nextGaussian() / r);
            }
            init.put(t.name(), new float[][] {a, new float[t.out() * r]});
        }
        return lm.attach(targets, init);
    }

    /**
     * Attaches adapters with given values: per module name {A [r·n] row-major, B [m·r] row-major}; the ranks follow
     * from the array lengths. Used by {@link #inject} and by adapter loading.
     */
    static LoraModel withWeights(Encoder encoder, LoraConfig config, List<LinearTarget> targets,
                                 Map<String, float[][]> values) {
        return new LoraModel(encoder, config).attach(targets, values);
    }

    private LoraModel attach(List<LinearTarget> targets, Map<String, float[][]> values) {
        try {
            encoder.setTrainable(n -> false);
            DataType type = encoder.dataType();
            for (LinearTarget t : targets) {
                float[][] ab = values.get(t.name());
                int r = ab[0].length / t.in();
                NDArray a = manager.create(ab[0], new Shape(r, t.in())).toType(type, false);
                NDArray b = manager.create(ab[1], new Shape(t.out(), r)).toType(type, false);
                a.setRequiresGradient(true);
                b.setRequiresGradient(true);
                LoraLinear l = new LoraLinear(t, a, b, config.scaling(r), config.dropout());
                adapters.put(t.name(), l);
                encoder.linears().get(t.name()).setAdapter(l);
            }
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The adapters by HF module name, in encoder order. */
    public Map<String, LoraLinear> adapters() {
        return Collections.unmodifiableMap(adapters);
    }

    /** Every trainable array by PEFT name ({@code <module>.lora_A.weight}, {@code <module>.lora_B.weight}). */
    public Map<String, NDArray> trainable() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        adapters.forEach((n, l) -> {
            p.put(n + ".lora_A.weight", l.a());
            p.put(n + ".lora_B.weight", l.b());
        });
        return p;
    }

    /** Dropout on (training) or off (evaluation). */
    public void setTraining(boolean training) {
        adapters.values().forEach(l -> l.setTraining(training));
    }

    /** Number of adapter values Σ r(m + n). */
    public long parameterCount() {
        return adapters.values().stream().mapToLong(l -> l.a().size() + l.b().size()).sum();
    }

    /**
     * W ← W0 + scaling·B A in every target, then detaches the adapters: the encoder alone now computes what the LoRA
     * model computed. Irreversible for this encoder (reload the base to undo).
     */
    public void mergeIntoBase() {
        if (merged) {
            throw new IllegalStateException("already merged");
        }
        adapters.forEach((n, l) -> {
            Linear lin = encoder.linears().get(n);
            NDArray w = lin.weight().getArray();
            try (NDArray dw = l.deltaWeight().stopGradient()) {
                w.addi(dw);
            }
            lin.setAdapter(null);
        });
        merged = true;
    }

    /** ‖ΔW_l‖_F / ‖W0_l‖_F per target (before merging). */
    public Map<String, Double> relativeUpdateNorms() {
        if (merged) {
            throw new LorankException("relative update norms need the unmerged adapters");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        adapters.forEach((n, l) -> {
            try (NDArray dw = l.deltaWeight().stopGradient()) {
                out.put(n, frobenius(dw) / frobenius(encoder.linears().get(n).weight().getArray()));
            }
        });
        return out;
    }

    private static double frobenius(NDArray x) {
        double s = 0;
        for (double v : copy64(x)) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    private static double[] copy64(NDArray x) {
        try (NDArray c = x.toType(DataType.FLOAT64, true)) { // a copy, so closing it never frees x
            return c.toDoubleArray();
        }
    }

    public LoraConfig config() {
        return config;
    }

    public Encoder encoder() {
        return encoder;
    }

    @Override
    public void close() {
        if (!merged) {
            adapters.keySet().forEach(n -> encoder.linears().get(n).setAdapter(null));
        }
        manager.close();
    }
}
