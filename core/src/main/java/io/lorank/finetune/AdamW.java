package io.lorank.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (Loshchilov &amp; Hutter 2019; PyTorch's {@code torch.optim.AdamW}), in place on the parameters:
 * <pre>
 *   p ← p − lr·λ·p                                  (decoupled weight decay)
 *   m ← β₁ m + (1−β₁) g,   v ← β₂ v + (1−β₂) g²
 *   p ← p − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
 * </pre>
 * The moments live in each parameter's manager, in its float type. Call outside a gradient collector.
 */
public final class AdamW {
    private final double beta1 = 0.9;
    private final double beta2 = 0.999;
    private final double eps = 1e-8;
    private final double weightDecay;
    private final List<NDArray> params;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private int t;

    public AdamW(List<NDArray> params, double weightDecay) {
        this.params = List.copyOf(params);
        this.weightDecay = weightDecay;
        for (NDArray p : params) {
            m.add(p.zerosLike());
            v.add(p.zerosLike());
        }
    }

    /** One step with learning rate {@code lr}, gradients scaled by {@code gradScale} (clipping). */
    public void step(double lr, double gradScale) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        try (NDScope scope = new NDScope()) { // frees every temporary; m, v and p change in place
            for (int k = 0; k < params.size(); k++) {
                NDArray p = params.get(k);
                NDArray g = p.getGradient().mul(gradScale);
                m.get(k).muli(beta1).addi(g.mul(1 - beta1));
                v.get(k).muli(beta2).addi(g.square().muli(1 - beta2));
                if (weightDecay > 0) {
                    p.subi(p.mul(lr * weightDecay));
                }
                p.subi(m.get(k).div(v.get(k).div(c2).sqrt().addi(eps)).muli(lr / c1));
            }
        }
    }

    /** Frees the moments. */
    public void close() {
        m.forEach(NDArray::close);
        v.forEach(NDArray::close);
    }
}
