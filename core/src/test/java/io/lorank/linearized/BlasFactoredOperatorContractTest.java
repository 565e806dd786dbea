package io.lorank.linearized;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The native fp64 (OpenBLAS) factored operator, plus its construction from {@link GradientFactors}. */
class BlasFactoredOperatorContractTest extends OperatorContract {
    @Override
    MeasurementOperator make(FactoredOperator reference) {
        return BlasFactoredOperator.of(reference);
    }

    @Test
    void fromGradientFactorsEqualsTheJavaOperatorOnTheSameFactors() {
        GradientFactors f = asGradientFactors(TestProblems.factored(3, 77));
        FactoredOperator java = FactoredOperator.of(f);
        try (BlasFactoredOperator blas = BlasFactoredOperator.of(f)) {
            assertEquals(f.totalTokens(), blas.totalTokens());
            DMatrixRMaj[] w = TestProblems.randomUpdate(java, new Random(8));
            // same fp32-rounded values in both: only the summation order differs (fp64)
            assertTrue(TestProblems.relErr(blas.apply(w), java.apply(w)) < 1e-12, "apply");
            double[] c = TestProblems.randomVector(f.examples() * f.outputs(), new Random(9));
            for (int l = 0; l < f.targets().size(); l++) {
                assertTrue(TestProblems.relErr(blas.adjoint(l, c).data, java.adjoint(l, c).data) < 1e-12, "adjoint " + l);
            }
        }
    }

    @Test
    void theChoiceIsTheNativeOperatorHereAndTheJavaOneOnRequest() {
        GradientFactors f = asGradientFactors(TestProblems.factored(2, 78));
        MeasurementOperator op = FactoredOperators.fastest(f);
        assertTrue(op instanceof BlasFactoredOperator, "OpenBLAS natives ship for linux-x86_64: " + op.getClass());
        FactoredOperators.close(op);
        String old = System.getProperty("lorank.operator");
        try {
            System.setProperty("lorank.operator", "java");
            assertTrue(FactoredOperators.fastest(f) instanceof FactoredOperator);
        } finally {
            if (old == null) {
                System.clearProperty("lorank.operator");
            } else {
                System.setProperty("lorank.operator", old);
            }
        }
    }
}
