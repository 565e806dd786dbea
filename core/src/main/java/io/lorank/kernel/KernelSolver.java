package io.lorank.kernel;

import io.lorank.LorankException;
import org.ejml.data.DMatrixRMaj;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * A solver fitted on a precomputed kernel, as LM-Kernel-FT's {@code kernel_solvers.py}: {@link #fit} sees the train
 * Gram Θ [R, R] (R = N·K rows i·K + k) and the targets y [R] ({@link KernelTargets}); the fit scores new rows from
 * their cross kernel Θ(x, train) [M, R]. The regularization reg·σ_max(Θ)·I (LM-Kernel-FT's
 * {@code --kernel_regularization}, 0 by default) is added to the train Gram for every solver, as there.
 */
public sealed interface KernelSolver permits LstsqSolver, LogisticSolver, SvmSolver {
    /** The solvers by CLI name. */
    enum Kind {
        LSTSQ, LOGISTIC, SVM;

        public String lowerName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses a CLI name; an unknown one gets a one-line error listing the valid ones. */
        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.lowerName().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new LorankException("--solver: '" + s + "' is not a kernel solver; valid: "
                    + String.join(", ", Arrays.stream(values()).map(Kind::lowerName).toList()));
        }
    }

    /** A fitted solver. */
    interface Fit {
        /** Scores [M] of rows whose cross kernel with the train rows is {@code cross} [M, R]. */
        double[] scores(DMatrixRMaj cross);

        /** What the fit found (rank, chosen C, support vectors...), for the report. */
        Map<String, Object> details();
    }

    Kind kind();

    /** Whether --adjust-for-init (fit y − f0, add f0 back) makes sense for this solver. */
    boolean fitsResiduals();

    Fit fit(DMatrixRMaj gram, double[] targets);

    /** The solver of {@code kind} with regularization {@code reg} (≥ 0, a fraction of σ_max). */
    static KernelSolver of(Kind kind, double reg) {
        return switch (kind) {
            case LSTSQ -> new LstsqSolver(reg);
            case LOGISTIC -> new LogisticSolver(reg);
            case SVM -> new SvmSolver(reg);
        };
    }

    /** Θ + reg·σ_max(Θ)·I (a copy; Θ itself when reg = 0), as LM-Kernel-FT's {@code get_regularized_kernel}. */
    static DMatrixRMaj regularized(DMatrixRMaj gram, double reg) {
        if (!(reg >= 0) || !Double.isFinite(reg)) {
            throw new LorankException("--reg: " + reg + " is not allowed; expected a fraction of sigma_max >= 0 (0: none)");
        }
        if (gram.numRows != gram.numCols) {
            throw new IllegalArgumentException("train Gram must be square, got " + gram.numRows + "x" + gram.numCols);
        }
        if (reg == 0) {
            return gram;
        }
        DMatrixRMaj out = gram.copy();
        double add = reg * LstsqSolver.singularValues(gram)[0];
        for (int i = 0; i < out.numRows; i++) {
            out.add(i, i, add);
        }
        return out;
    }

    /** LM-Kernel-FT's class of a target for the classifiers: (y + 1) / 2 truncated, i.e. 1 iff y = 1. */
    static int binaryLabel(double y) {
        return y > 0.75 ? 1 : 0;
    }
}
