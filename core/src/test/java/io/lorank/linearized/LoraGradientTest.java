package io.lorank.linearized;

import io.lorank.linearized.solvers.LoraSolver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoRA gradients (through the matrix-free adjoint) against central finite differences, every loss. */
class LoraGradientTest {
    @ParameterizedTest
    @EnumSource(Synthetic.LossKind.class)
    void gradientMatchesCentralDifferences(Synthetic.LossKind kind) {
        int k = kind == Synthetic.LossKind.LOGISTIC ? 1 : 3;
        LinearizedProblem p = TestProblems.problem(TestProblems.factored(k, 21), kind, 0.3, 22);
        LoraFactors x = LoraFactors.init(p.operator(), 2, true, 1.0, 23);
        double[] g = LoraSolver.gradient(p, x, LoraSolver.evaluate(p, x, null).residual());
        double[] v = x.flatten();
        double h = 1e-5;
        for (int j = 0; j < v.length; j++) {
            double[] plus = v.clone();
            double[] minus = v.clone();
            plus[j] += h;
            minus[j] -= h;
            double fd = (p.loraObjective(x.like(plus)) - p.loraObjective(x.like(minus))) / (2 * h);
            double err = Math.abs(fd - g[j]) / Math.max(Math.abs(g[j]), 1e-4); // floor 1e-4 on the denominator
            assertTrue(err <= 1e-6, kind + ": parameter " + j + " analytic " + g[j] + " vs central difference " + fd);
        }
    }
}
