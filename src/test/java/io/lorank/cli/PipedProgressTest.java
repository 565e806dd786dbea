package io.lorank.cli;

import io.lorank.util.Progress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress when stderr is not a terminal (as under surefire): plain lines, and none with {@code --quiet}. */
class PipedProgressTest {
    @AfterEach
    void restore() {
        System.clearProperty(Progress.INTERVAL_PROPERTY);
    }

    private static String[] phase(Path out, String... extra) {
        String[] base = {"phase", "--m", "8", "--n", "8", "--ranks", "1,2", "--trials", "40", "--bootstrap", "20",
                "--threads", "1", "--out", out.toString()};
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void plainLinesWhenPipedNoneWhenQuiet(@TempDir Path dir) {
        System.setProperty(Progress.INTERVAL_PROPERTY, "0.05");
        String[] loud = BadInputTest.run(0, phase(dir.resolve("a")));
        assertTrue(loud[1].lines().anyMatch(l -> l.matches("lorank: phase \\d+/\\d+ \\(\\d+%\\), \\S+ elapsed, ETA \\S+")),
                () -> "no plain progress line on piped stderr:\n" + loud[1]);
        String[] quiet = BadInputTest.run(0, phase(dir.resolve("b"), "--quiet"));
        assertEquals("", quiet[1], "--quiet prints nothing on stderr");
        String[] first = BadInputTest.run(0, "--quiet", "bounds", "--examples", "4", "--shape", "4x4");
        assertEquals("", first[1]);
    }
}
