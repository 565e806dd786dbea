package io.lorank.linearized.solvers;

import io.lorank.linearized.FactoredOperator;
import io.lorank.linearized.MeasurementOperator;
import io.lorank.linearized.Synthetic;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** 𝒜 of a prox output through its SVT factors equals 𝒜 of the dense matrix (relative error ≤ 1e-11). */
class ApplyProxTest {
    @Test
    void factoredProxOutputAppliesLikeTheDenseOne() {
        MeasurementOperator op = Synthetic.randomFactors(5, 2, new int[] {20, 12}, new int[] {30, 16}, 2, 6, 1);
        Random rnd = new Random(2);
        DMatrixRMaj[] z = new DMatrixRMaj[2];
        for (int l = 0; l < 2; l++) {
            z[l] = new DMatrixRMaj(op.rows(l), op.cols(l));
            for (int j = 0; j < z[l].data.length; j++) {
                z[l].data[j] = rnd.nextGaussian();
            }
        }
        z[0].data[0] += 40; // one dominant direction in target 0: a low kept rank there
        SingularValueThreshold svt = SingularValueThreshold.fastest();
        for (double tau : new double[] {5.0, 0.5, 1e3}) { // low kept rank, high kept rank (dense path), nothing kept
            SingularValueThreshold.Result[] prox = svt.thresholdAll(z, tau);
            DMatrixRMaj[] x = {prox[0].matrix(), prox[1].matrix()};
            double[] want = op.apply(x);
            double[] got = ConvexSolver.applyProx(op, x, prox);
            double num = 0;
            double den = 0;
            for (int j = 0; j < want.length; j++) {
                num += (got[j] - want[j]) * (got[j] - want[j]);
                den += want[j] * want[j];
            }
            assertTrue(Math.sqrt(num) <= 1e-11 * Math.sqrt(den) + 1e-300, "tau " + tau + ": relative error "
                    + Math.sqrt(num / Math.max(den, 1e-300)));
        }
        assertTrue(op instanceof FactoredOperator);
    }
}
