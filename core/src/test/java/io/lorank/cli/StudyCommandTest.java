package io.lorank.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lorank study} / {@code report}: every bad input gives its one-line message and a non-zero exit. */
class StudyCommandTest {
    @TempDir
    static Path tmp;

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of(1, "'gpt-5' is neither a known model (", List.of("--models", "gpt-5", "--tasks", "wordnet-binary")),
                Arguments.of(1, "'sst-9' is not a registered task; choose one of SST-2", List.of("--tasks", "sst-9")),
                Arguments.of(1, "'lora' is not a head; choose mlm, embedding or probe", List.of("--tasks", "wordnet-binary", "--heads", "lora")),
                Arguments.of(1, "modes: 'linearised' is not a mode this build can run; available: eval, bounds, synthetic, linearized",
                        List.of("--tasks", "wordnet-binary", "--modes", "linearised")),
                Arguments.of(1, "lambda_fractions: 1.5 is not allowed; expected values in (0, 1)",
                        List.of("--modes", "synthetic", "--ranks", "1", "--lambda-fractions", "1.5")),
                Arguments.of(1, "mode synthetic needs ranks and lambda_fractions", List.of("--modes", "synthetic")),
                Arguments.of(2, "--shots", List.of("--tasks", "wordnet-binary", "--shots", "0")),
                Arguments.of(2, "--ranks", List.of("--modes", "synthetic", "--ranks", "two")),
                Arguments.of(1, "seeds: [1, 1] repeats a value", List.of("--modes", "synthetic", "--ranks", "1",
                        "--lambda-fractions", "0.1", "--seeds", "1,1")));
    }

    @ParameterizedTest
    @MethodSource("badInput")
    void badGridIsOneLineAndNothingIsWritten(int exit, String message, List<String> args) {
        Path out = tmp.resolve("bad-" + Math.abs(args.hashCode()));
        List<String> all = new ArrayList<>(List.of("study"));
        all.addAll(args);
        all.addAll(List.of("--out", out.toString()));
        String err = runErr(exit, all.toArray(String[]::new));
        assertTrue(err.contains(message), () -> "stderr: " + err);
        assertEquals(1, err.strip().lines().count(), () -> "one line: " + err);
        assertFalse(Files.exists(out.resolve("results.db")), "no database left behind");
    }

    @Test
    void statusOfAFolderWithoutStudyIsOneLine() {
        String err = runErr(1, "study", "--status", tmp.resolve("nothing").toString());
        assertTrue(err.contains("no results database here"), err);
        err = runErr(1, "report", tmp.resolve("nothing").toString());
        assertTrue(err.contains("no results database here"), err);
    }

    @Test
    void badConfigKeyNamesTheKeyAndTheAllowedOnes() throws Exception {
        Path f = tmp.resolve("bad.yaml");
        Files.writeString(f, "modes: [eval]\nmodel: [x]\n");
        String err = runErr(1, "study", "--config", f.toString(), "--out", tmp.resolve("cfg").toString());
        assertTrue(err.contains("unknown key 'model'; allowed keys: models, tasks"), err);
    }

    @Test
    void studyRunsResumesAndReportsStatus() {
        Path out = tmp.resolve("syn");
        String[] args = {"study", "--modes", "synthetic", "--ranks", "1,2", "--lambda-fractions", "0.1", "--seeds", "1",
                "--out", out.toString(), "--quiet"};
        String first = CliRun.run(0, args);
        assertTrue(first.contains("2 cells, 2 done, 0 failed"), first);
        String second = CliRun.run(0, args);
        assertTrue(second.contains("0 computed") && second.contains("2 already done and kept"), second);
        String status = CliRun.run(0, "study", "--status", out.toString(), "--json");
        assertTrue(status.contains("\"done\" : 2") && status.contains("\"config_hash\""), status);
    }

    private static String runErr(int exit, String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            CliRun.run(exit, args);
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
