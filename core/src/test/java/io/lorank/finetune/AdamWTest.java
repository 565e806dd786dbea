package io.lorank.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.lorank.engine.Engines;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** AdamW against its formulas, written out by hand in fp64 for L = ½‖p‖² (g = p). */
class AdamWTest {
    @Test
    void twoStepsMatchTheClosedForm() {
        try (NDManager m = Engines.newManager()) {
            NDArray p = m.create(new double[] {1.0, -2.0, 0.5});
            p.setRequiresGradient(true);
            AdamW opt = new AdamW(List.of(p), 0.1);
            double lr = 0.01;
            double[] x = {1.0, -2.0, 0.5};
            double[] mm = new double[3];
            double[] vv = new double[3];
            for (int t = 1; t <= 2; t++) {
                try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                    gc.backward(p.square().sum().mul(0.5));
                }
                opt.step(lr, 1.0);
                p.getGradient().subi(p.getGradient());
                for (int i = 0; i < 3; i++) {
                    double g = x[i];
                    x[i] -= lr * 0.1 * x[i];
                    mm[i] = 0.9 * mm[i] + 0.1 * g;
                    vv[i] = 0.999 * vv[i] + 0.001 * g * g;
                    double mh = mm[i] / (1 - Math.pow(0.9, t));
                    double vh = vv[i] / (1 - Math.pow(0.999, t));
                    x[i] -= lr * mh / (Math.sqrt(vh) + 1e-8);
                }
            }
            double[] got = p.toDoubleArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(x[i], got[i], 1e-14, "p[" + i + "] after 2 AdamW steps (fp64)");
            }
            opt.close();
        }
    }
}
