package io.lorank.study;

/**
 * Computes one mode's cells. Contract: {@link #run} reads only the spec and keyed artefacts under
 * {@link CellContext#cacheDir()} (never state left in memory by another cell), is deterministic given the spec
 * (so a cell recomputed elsewhere gives the same {@link CellResult} bytes), and throws a
 * {@link io.lorank.LorankException} with one line for a cell that cannot be computed. Implementations are stateless
 * and may be called from any thread, one cell at a time per call.
 */
public interface CellRunner {
    /** The mode name cells use, e.g. {@code eval}. */
    String mode();

    /** One line for {@code lorank study --help} and error messages. */
    String description();

    /** Checks a spec before anything runs (names, ranges), throwing a one-line {@link io.lorank.LorankException}. */
    void validate(CellSpec spec);

    /** Computes the cell. */
    Output run(CellSpec spec, CellContext context);

    /**
     * @param result           the deterministic result
     * @param checkpointSha256 SHA-256 of the weights read (null if none), for the row's provenance
     */
    record Output(CellResult result, String checkpointSha256) {
    }
}
