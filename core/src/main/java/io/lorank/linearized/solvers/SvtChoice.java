package io.lorank.linearized.solvers;

import java.util.Locale;

/** Picks the SVT implementation once: {@code lorank.svt} if set, else the partial SVT when the LAPACK natives load, else EJML. */
final class SvtChoice {
    static final SingularValueThreshold CHOSEN = choose();

    private SvtChoice() {
    }

    private static SingularValueThreshold choose() {
        String want = System.getProperty("lorank.svt", "auto").toLowerCase(Locale.ROOT);
        switch (want) {
            case "ejml":
                return EjmlSvt.INSTANCE;
            case "lapack":
                return LapackSvt.load(); // fails loudly when forced and unavailable
            case "partial":
                return PartialSvt.load();
            case "auto":
                try {
                    return PartialSvt.load();
                } catch (LinkageError | RuntimeException e) {
                    // no natives for this platform (e.g. not linux-x86_64): the reference is exact, only slower
                    return EjmlSvt.INSTANCE;
                }
            default:
                throw new io.lorank.LorankException("system property lorank.svt is '" + want
                        + "'; expected auto, ejml, lapack or partial (or leave it unset)");
        }
    }
}
