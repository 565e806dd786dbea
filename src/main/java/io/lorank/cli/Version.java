package io.lorank.cli;

import picocli.CommandLine;

/** Version string for {@code --version} and for provenance records. */
public final class Version implements CommandLine.IVersionProvider {
    public static final String LORANK = "0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {"lorank " + LORANK + " (Java " + System.getProperty("java.version") + ")"};
    }
}
