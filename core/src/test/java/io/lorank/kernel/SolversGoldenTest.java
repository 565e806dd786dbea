package io.lorank.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The three solvers against scikit-learn 1.2.1 / NumPy 1.24 called as LM-Kernel-FT calls them
 * ({@code make_golden.py} beside {@code solvers_golden.json}): a 24-row one-hot problem (N = 12, K = 2, Θ = ΦΦᵀ of
 * Gaussian features) and a 20-row cross kernel. Least squares: scores within 1e-8 relative; StratifiedKFold folds
 * exactly; LogisticRegressionCV: the same chosen C and decision values within 1e-3 relative to their scale (LIBLINEAR
 * vs lbfgs, each stopped at its own tolerance on the same strictly convex objective; measured 1.1e-4); SVC: the same
 * predicted labels, the same number of support vectors and decision values within 1e-9 relative (the same LIBSVM
 * algorithm; measured 0).
 */
class SolversGoldenTest {
    static JsonNode golden() throws Exception {
        try (InputStream in = SolversGoldenTest.class.getResourceAsStream("solvers_golden.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static DMatrixRMaj matrix(JsonNode a) {
        DMatrixRMaj m = new DMatrixRMaj(a.size(), a.get(0).size());
        for (int i = 0; i < m.numRows; i++) {
            for (int j = 0; j < m.numCols; j++) {
                m.set(i, j, a.get(i).get(j).asDouble());
            }
        }
        return m;
    }

    static double[] vector(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        return v;
    }

    static double scale(double[] v) {
        double s = 0;
        for (double x : v) {
            s = Math.max(s, Math.abs(x));
        }
        return s;
    }

    @Test
    void matchesScikitLearnAndNumpy() throws Exception {
        JsonNode g = golden();
        DMatrixRMaj gram = matrix(g.get("gram"));
        DMatrixRMaj cross = matrix(g.get("cross"));
        double[] y = vector(g.get("targets"));

        double[] ls = KernelSolver.of(KernelSolver.Kind.LSTSQ, 0).fit(gram, y).scores(cross);
        double[] lsWant = vector(g.get("lstsq_scores"));
        for (int i = 0; i < ls.length; i++) {
            assertEquals(lsWant[i], ls[i], 1e-8 * scale(lsWant), "lstsq score " + i);
        }

        int[] cls = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            cls[i] = KernelSolver.binaryLabel(y[i]);
        }
        int[] folds = StratifiedFolds.testFolds(cls, 5);
        JsonNode fw = g.get("folds");
        for (int i = 0; i < folds.length; i++) {
            assertEquals(fw.get(i).asInt(), folds[i], "fold of row " + i);
        }

        KernelSolver.Fit lr = KernelSolver.of(KernelSolver.Kind.LOGISTIC, 0).fit(gram, y);
        assertEquals(g.get("logistic_C").asDouble(), (double) lr.details().get("C"), 1e-9, "chosen C");
        double[] lrWant = vector(g.get("logistic_decision"));
        double[] lrGot = lr.scores(cross);
        for (int i = 0; i < lrGot.length; i++) {
            assertEquals(lrWant[i], lrGot[i], 1e-3 * scale(lrWant), "logistic decision " + i);
        }

        SvmSolver.SvmFit svm = (SvmSolver.SvmFit) KernelSolver.of(KernelSolver.Kind.SVM, 0).fit(gram, y);
        double[] pred = svm.scores(cross);
        double[] dec = svm.decisionValues(cross);
        double[] decWant = vector(g.get("svm_decision"));
        for (int i = 0; i < pred.length; i++) {
            assertEquals(g.get("svm_predict").get(i).asInt() * 2 - 1, pred[i], 0, "svm label " + i);
            assertEquals(decWant[i], dec[i], 1e-9 * scale(decWant), "svm decision " + i);
        }
        assertEquals(g.get("svm_support").asInt(), svm.details().get("support_vectors"));
    }
}
