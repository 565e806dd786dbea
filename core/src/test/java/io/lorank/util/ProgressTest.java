package io.lorank.util;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {
    @AfterEach
    void restore() {
        Progress.redirect(null);
        Progress.setQuiet(false);
    }

    @Test
    void plainLineAndDurations() {
        assertEquals("lorank: phase 37/256 (14%), 1m12s elapsed, ETA 6m03s", Progress.line("phase", 37, 256, 72, 363));
        assertEquals("45s", Progress.duration(45));
        assertEquals("3h20m", Progress.duration(12_000));
        assertEquals("2d02h", Progress.duration(180_000));
        assertTrue(Progress.line("x", 0, 10, 1, Double.NaN).endsWith("ETA ?"));
    }

    @Test
    void longEstimatesAreAnnouncedUnlessQuiet() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress.redirect(new PrintStream(buf, true, StandardCharsets.UTF_8));
        Progress.estimate("short grid", 30);
        assertEquals("", buf.toString(StandardCharsets.UTF_8));
        Progress.estimate("phase grid", 180_000);
        assertTrue(buf.toString(StandardCharsets.UTF_8).startsWith("lorank: phase grid is estimated to take about 2d02h"));
        buf.reset();
        Progress.setQuiet(true);
        Progress.estimate("phase grid", 180_000);
        try (Progress p = Progress.start("q", 10)) {
            p.stepBy(10);
        }
        assertEquals("", buf.toString(StandardCharsets.UTF_8));
    }
}
