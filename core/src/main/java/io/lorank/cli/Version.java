package io.lorank.cli;

import picocli.CommandLine;

/** Version string for {@code --version} and for provenance records. */
public final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"lorank " + io.lorank.Lorank.VERSION + " (Java " + System.getProperty("java.version") + ")"};
    }
}
