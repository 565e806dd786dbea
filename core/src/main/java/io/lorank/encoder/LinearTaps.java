package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Records, for named Linear modules, the input X and a probe for the gradient at the output, during one forward.
 *
 * <p>For a target Linear y = W x + b with W [m, n], the forward stores X = x [B, T, n] and adds a zero array P
 * [B, T, m] that requires a gradient: y' = y + P. The value is unchanged, and after a backward pass of a scalar L
 * (inside a {@code GradientCollector} that was open during the forward), P's gradient is D = ∂L/∂y [B, T, m]. Per
 * example i, the weight gradient is G_i = D_iᵀ X_i [m, n] — only activation gradients are needed, no weight
 * gradients. Arrays belong to the forward's input manager; close that manager to free them.
 */
public final class LinearTaps {
    private final Predicate<String> targets;
    private final Map<String, NDArray> inputs = new LinkedHashMap<>();
    private final Map<String, NDArray> probes = new LinkedHashMap<>();
    private long[] mask; // [B·T] of the tapped forward, 1 real, 0 pad
    private int maskLength;

    /** @param targets which HF module names to tap, e.g. {@code n -> n.endsWith(".attention.self.query")} */
    public LinearTaps(Predicate<String> targets) {
        this.targets = targets;
    }

    boolean wants(String module) {
        return targets.test(module);
    }

    NDArray record(String module, NDArray x, NDArray y) {
        if (inputs.containsKey(module)) {
            throw new IllegalStateException(module + " was already tapped; use one LinearTaps per forward");
        }
        NDArray probe = y.getManager().zeros(y.getShape(), y.getDataType(), y.getDevice());
        probe.setRequiresGradient(true);
        NDScope.unregister(x, probe);
        inputs.put(module, x);
        probes.put(module, probe);
        return y.add(probe);
    }

    /** Called by the encoder at the start of a tapped forward: which positions are real tokens. */
    void recordMask(NDArray attentionMask) {
        if (mask != null) {
            throw new IllegalStateException("a forward was already tapped; use one LinearTaps per forward");
        }
        mask = attentionMask.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        maskLength = (int) attentionMask.getShape().get(1);
    }

    /** The attention mask [B·T] (row-major, 1 real, 0 pad) of the tapped forward. */
    public long[] mask() {
        if (mask == null) {
            throw new IllegalStateException("no forward was tapped yet");
        }
        return mask;
    }

    /** T: the padded length of the tapped forward. */
    public int paddedLength() {
        mask();
        return maskLength;
    }

    /** Module names tapped in this forward, in forward order. */
    public Iterable<String> modules() {
        return Collections.unmodifiableSet(inputs.keySet());
    }

    /** X [B, T, n]: the Linear's input. */
    public NDArray input(String module) {
        return require(inputs, module);
    }

    /** D [B, T, m]: the gradient of the backward's scalar at the Linear's output (zero before any backward). */
    public NDArray outputGradient(String module) {
        return require(probes, module).getGradient();
    }

    /** The zero probe P [B, T, m] added to the output (its gradient is D). */
    public NDArray probe(String module) {
        return require(probes, module);
    }

    private static NDArray require(Map<String, NDArray> m, String module) {
        NDArray a = m.get(module);
        if (a == null) {
            throw new IllegalArgumentException(module + " was not tapped; tapped: " + m.keySet());
        }
        return a;
    }
}
