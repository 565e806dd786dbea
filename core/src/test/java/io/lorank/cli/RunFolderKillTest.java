package io.lorank.cli;

import io.lorank.util.Progress;
import io.lorank.util.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 in the middle of a real {@code lorank phase} run (a child JVM on the test classpath) into a folder holding
 * a previous complete run: afterwards the folder is that previous run, byte for byte, and the killed run's files are
 * only in a hidden sibling marked incomplete, which the next run removes. The same child, with its stderr piped,
 * shows that progress is printed as plain lines with done/total and ETA, and that the long grid is announced.
 */
class RunFolderKillTest {
    private static final String[] SMALL = {"phase", "--m", "4", "--n", "4", "--ranks", "1", "--ratios", "0.8,1.0,1.3,2.0",
            "--trials", "8", "--bootstrap", "20", "--threads", "1", "--quiet"};

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private static List<Path> hidden(Path parent) throws Exception {
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }

    private static void runSmall(Path out) {
        String[] args = java.util.Arrays.copyOf(SMALL, SMALL.length + 2);
        args[SMALL.length] = "--out";
        args[SMALL.length + 1] = out.toString();
        int code = Main.execute(args);
        assertTrue(code == 0 || code == 1, "small phase run: exit " + code); // 1: C* undetermined, still a complete run
    }

    @Test
    void killedRunLeavesThePreviousCompleteRun(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("phase-run");
        runSmall(out);
        assertEquals("complete", RunFolder.status(out).orElseThrow());
        List<String> before = listing(out);
        String manifest = Files.readString(out.resolve(RunFolder.MANIFEST));
        byte[] csv = Files.readAllBytes(out.resolve("phase.csv"));

        // a grid of hours (96 cells x 10000 trials at 48x48): killed after its first progress lines
        Path stderr = dir.resolve("child-stderr.txt");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBin, "-D" + Progress.INTERVAL_PROPERTY + "=0.3", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "phase", "--m", "48", "--n", "48", "--ranks", "1,2,3,4,5,6", "--trials", "10000", "--threads", "1",
                "--force", "--out", out.toString())
                .redirectErrorStream(false).redirectError(stderr.toFile()).redirectOutput(new File("/dev/null")).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && countLines(stderr, "ETA") < 2) {
                assertTrue(child.isAlive(), () -> "child ended early: " + read(stderr));
                Thread.sleep(100);
            }
            assertTrue(countLines(stderr, "ETA") >= 2, () -> "no progress lines: " + read(stderr));
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals(137, child.exitValue(), "killed by SIGKILL");

        // the folder is the previous complete run, untouched
        assertEquals(before, listing(out));
        assertEquals(manifest, Files.readString(out.resolve(RunFolder.MANIFEST)));
        assertTrue(java.util.Arrays.equals(csv, Files.readAllBytes(out.resolve("phase.csv"))));
        // the killed run is only in a hidden sibling, marked incomplete
        List<Path> left = hidden(dir);
        assertEquals(1, left.size(), left::toString);
        assertTrue(left.get(0).getFileName().toString().startsWith(".phase-run.incomplete-"), left::toString);
        assertEquals("running", RunFolder.status(left.get(0)).orElseThrow());

        // piped progress: plain lines with done/total, percent and ETA, and the long grid announced
        String err = read(stderr);
        assertTrue(err.lines().anyMatch(l -> l.matches("lorank: phase \\d+/\\d+ \\(\\d+%\\), \\S+ elapsed, ETA \\S+")), err);
        assertTrue(err.contains("lorank: phase is estimated to take about"), err);

        // the next run into the folder removes the leftover and replaces the run whole
        runSmall(out);
        assertEquals(List.of(), hidden(dir).stream().filter(p -> !p.getFileName().toString().startsWith(".child")).toList());
        assertEquals("complete", RunFolder.status(out).orElseThrow());
        assertFalse(read(stderr).contains("\tat "), "the child printed no stack trace");
    }

    private static long countLines(Path f, String needle) throws Exception {
        return Files.exists(f) ? read(f).lines().filter(l -> l.contains(needle)).count() : 0;
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (Exception e) {
            return "";
        }
    }
}
