package io.lorank;

/** Facts about this build of lorank, for provenance records and {@code --version}. */
public final class Lorank {
    /** The lorank version written into every result's provenance. */
    public static final String VERSION = "0.1.0";

    private Lorank() {
    }
}
