package io.lorank.cli.options;

import picocli.CommandLine.Option;

/**
 * {@code --force} for every command that writes a run folder ({@link io.lorank.util.RunFolder}); add it with
 * {@code @Mixin RunFolderOptions runFolder;} and pass {@code runFolder.force} to {@code RunFolder.open}.
 */
public final class RunFolderOptions {
    @Option(names = "--force", description = "Replace an --out folder that holds a different run (replaced whole).")
    public boolean force;
}
