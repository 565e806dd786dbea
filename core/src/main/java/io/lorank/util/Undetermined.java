package io.lorank.util;

import io.lorank.LorankException;

/**
 * An estimate that could not be made (too few grid points, no transition in range, a fit that did not converge).
 * Commands print what they have, then throw this: {@code Main} prints {@code lorank: undetermined: REASON} and exits 1,
 * so no claim is drawn from it and scripts see the failure.
 *
 * <pre>{@code
 * if (estimate.undetermined()) {
 *     throw new Undetermined("C* (pooled): " + estimate.reason() + "; add --ratios on both sides of the transition");
 * }
 * }</pre>
 */
public final class Undetermined extends LorankException {
    public Undetermined(String message) {
        super("undetermined: " + message);
    }
}
