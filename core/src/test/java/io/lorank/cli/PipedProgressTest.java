package io.lorank.cli;

import io.lorank.util.Progress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Class 7 of issue 7 (progress), table-driven like {@link BadInputTest}: each row is a long-stage command that,
 * with stderr not a terminal (as under surefire), prints plain progress lines {@code lorank: TASK done/total (p%),
 * ... elapsed, ETA ...}, and prints nothing on stderr with {@code --quiet}. The line interval is shortened from 10 s
 * to 50 ms for the test. The long-run announcement is checked on a real piped child in {@link RunFolderKillTest}.
 */
class PipedProgressTest {
    record Row(String task, String[] args) {
        @Override
        public String toString() {
            return "lorank " + String.join(" ", args);
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("phase", new String[] {"phase", "--m", "8", "--n", "8", "--ranks", "1,2", "--trials", "40",
                        "--bootstrap", "20", "--threads", "1", "--force", "--out", "{out}"}),
                new Row("synthetic SQUARED", new String[] {"synthetic", "--loss", "squared", "--m", "12", "--n", "12",
                        "--examples", "8", "--outputs", "1", "--planted-rank", "1", "--max-rank", "3",
                        "--probe-inits", "3", "--seeds", "1,2,3,4,5,6"}),
                new Row("bench 1x16^2", new String[] {"bench", "linearized", "--shapes", "1x16", "--examples", "4",
                        "--tokens", "4", "--rank", "1", "--warmup", "0", "--runs", "400", "--no-torch"}));
    }

    @TempDir
    Path dir;

    @BeforeEach
    void fastLines() {
        System.setProperty(Progress.INTERVAL_PROPERTY, "0.05");
    }

    @AfterEach
    void restore() {
        System.clearProperty(Progress.INTERVAL_PROPERTY);
    }

    private String[] args(Row row, boolean quiet) {
        String[] a = Arrays.stream(row.args()).map(s -> s.equals("{out}") ? dir.resolve("out").toString() : s)
                .toArray(String[]::new);
        if (!quiet) {
            return a;
        }
        String[] q = Arrays.copyOf(a, a.length + 1);
        q[a.length] = "--quiet";
        return q;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void plainLinesWhenPipedNoneWhenQuiet(Row row) {
        String[] loud = BadInputTest.run(0, args(row, false));
        String pattern = "lorank: " + java.util.regex.Pattern.quote(row.task())
                + " \\d+/\\d+ \\(\\d+%\\), \\S+ elapsed, ETA \\S+";
        assertTrue(loud[1].lines().anyMatch(l -> l.matches(pattern)), () -> "no plain progress line:\n" + loud[1]);
        assertTrue(loud[1].lines().allMatch(l -> l.matches(pattern)), () -> "other lines on stderr:\n" + loud[1]);
        String[] quiet = BadInputTest.run(0, args(row, true));
        assertEquals("", quiet[1], "--quiet prints nothing on stderr");
    }
}
