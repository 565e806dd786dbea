package io.lorank.kernel;

import io.lorank.LorankException;
import libsvm.svm;
import libsvm.svm_model;
import libsvm.svm_node;
import libsvm.svm_parameter;
import libsvm.svm_problem;
import org.ejml.data.DMatrixRMaj;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LM-Kernel-FT's SVM ({@code SVCKernelSolver}): scikit-learn's {@code SVC(kernel='precomputed')} — which is LIBSVM's
 * C-SVC with C = 1, tolerance 1e-3, shrinking, 200 MB cache — on the train Gram, sample (i,k) of class 1 iff its
 * target is 1. Here it is LIBSVM itself (Java port, {@code tw.edu.ntu.csie:libsvm}) with the same settings. The score
 * of a new row is LM-Kernel-FT's: the predicted label mapped to ±1 (2·label − 1); {@link #decisionValues} gives the
 * real-valued decision function for tests.
 */
public final class SvmSolver implements KernelSolver {
    private final double reg;

    SvmSolver(double reg) {
        this.reg = reg;
    }

    @Override
    public Kind kind() {
        return Kind.SVM;
    }

    @Override
    public boolean fitsResiduals() {
        return false;
    }

    /** The fitted LIBSVM model and the train row count. */
    public record SvmFit(svm_model model, int rows) implements Fit {
        @Override
        public double[] scores(DMatrixRMaj cross) {
            check(cross);
            double[] s = new double[cross.numRows];
            for (int i = 0; i < s.length; i++) {
                s[i] = svm.svm_predict(model, row(cross, i)) == 1 ? 1 : -1;
            }
            return s;
        }

        /** The decision function f(x) = Σ_j α_j ỹ_j K(x, x_j) + b, oriented so that f > 0 means class 1. */
        public double[] decisionValues(DMatrixRMaj cross) {
            check(cross);
            int[] labels = new int[2];
            svm.svm_get_labels(model, labels);
            double sign = labels[0] == 1 ? 1 : -1;
            double[] s = new double[cross.numRows];
            double[] dec = new double[1];
            for (int i = 0; i < s.length; i++) {
                svm.svm_predict_values(model, row(cross, i), dec);
                s[i] = sign * dec[0];
            }
            return s;
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("support_vectors", svm.svm_get_nr_sv(model));
            d.put("C", model.param.C);
            return d;
        }

        private void check(DMatrixRMaj cross) {
            if (cross.numCols != rows) {
                throw new IllegalArgumentException("cross kernel has " + cross.numCols + " columns for " + rows + " train rows");
            }
        }
    }

    @Override
    public SvmFit fit(DMatrixRMaj gram, double[] targets) {
        DMatrixRMaj k = KernelSolver.regularized(gram, reg);
        int r = k.numRows;
        svm_problem p = new svm_problem();
        p.l = r;
        p.y = new double[r];
        p.x = new svm_node[r][];
        int ones = 0;
        for (int i = 0; i < r; i++) {
            p.y[i] = KernelSolver.binaryLabel(targets[i]);
            ones += (int) p.y[i];
            svm_node[] x = row(k, i);
            x[0].value = i + 1;                 // PRECOMPUTED: node 0 holds the sample's 1-based serial number
            p.x[i] = x;
        }
        if (ones == 0 || ones == r) {
            throw new LorankException("kernel svm: the train targets hold one class only; need both");
        }
        svm_parameter param = new svm_parameter();
        param.svm_type = svm_parameter.C_SVC;
        param.kernel_type = svm_parameter.PRECOMPUTED;
        param.C = 1;
        param.eps = 1e-3;
        param.cache_size = 200;
        param.shrinking = 1;
        param.probability = 0;
        param.nr_weight = 0;
        param.weight_label = new int[0];
        param.weight = new double[0];
        String err = svm.svm_check_parameter(p, param);
        if (err != null) {
            throw new IllegalStateException("LIBSVM parameters: " + err);
        }
        svm.svm_set_print_string_function(s -> { });
        return new SvmFit(svm.svm_train(p, param), r);
    }

    /** LIBSVM's precomputed-kernel row: node 0 (index 0, serial number), then nodes j = 1..R with K(x, x_j). */
    static svm_node[] row(DMatrixRMaj k, int i) {
        int r = k.numCols;
        svm_node[] x = new svm_node[r + 1];
        x[0] = new svm_node();
        x[0].index = 0;
        x[0].value = 0;
        for (int j = 0; j < r; j++) {
            svm_node nd = new svm_node();
            nd.index = j + 1;
            nd.value = k.get(i, j);
            x[j + 1] = nd;
        }
        return x;
    }
}
