package io.lorank.linearized;

/**
 * Picks the factored operator for {@link GradientFactors}: {@link BlasFactoredOperator} (native fp64 GEMMs) when the
 * OpenBLAS natives load on this platform, else the pure-Java {@link FactoredOperator}; the two agree to the
 * tolerances of the operator contract tests. System property {@code lorank.operator=java|blas} forces one (tests,
 * benchmarks). Callers close the result when it is {@link AutoCloseable} (see {@link #close}).
 */
public final class FactoredOperators {
    private FactoredOperators() {
    }

    /** The fastest factored operator that works here. */
    public static MeasurementOperator fastest(GradientFactors f) {
        String want = System.getProperty("lorank.operator", "blas");
        if (!"java".equals(want)) {
            try {
                return BlasFactoredOperator.of(f);
            } catch (LinkageError e) {
                if ("blas".equals(System.getProperty("lorank.operator"))) {
                    throw e;
                }
            }
        }
        return FactoredOperator.of(f);
    }

    /** Frees an operator's native memory now when it holds any (no-op otherwise). */
    public static void close(MeasurementOperator op) {
        if (op instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + op.getClass().getSimpleName(), e);
            }
        }
    }
}
