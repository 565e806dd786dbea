package io.lorank.data;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared/data (relative to the repository root) for tests tagged "shared"; skips when absent. */
public final class SharedData {
    private SharedData() {
    }

    /** The folder, or a skipped test with the reason printed. Env LORANK_SHARED_DATA overrides the location. */
    public static Path require() {
        String env = System.getenv("LORANK_SHARED_DATA");
        Path p = env != null ? Path.of(env) : Path.of("../shared/data");
        boolean ok = Files.isDirectory(p.resolve("k-shot"));
        if (!ok) {
            System.out.println("SKIP: " + p.toAbsolutePath().normalize() + " has no k-shot/ folder "
                    + "(set LORANK_SHARED_DATA or run from a checkout beside shared/)");
        }
        Assumptions.assumeTrue(ok, "shared data not found at " + p.toAbsolutePath().normalize());
        return p;
    }
}
