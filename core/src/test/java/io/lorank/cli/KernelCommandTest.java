package io.lorank.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lorank kernel} end to end on the built-in wordnet-binary task (no shared data), MiniLM, last-layer targets,
 * 40 test examples: the zero-shot row equals {@code lorank eval}'s accuracy on the same test split (an independent
 * path to f0), least squares reaches 100 % on its own train split, every solver gives a row per seed and a
 * mean ± std, and --out writes config.json and results.json.
 */
class KernelCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void kernelBaselinesOnWordNet() throws Exception {
        JsonNode r = JSON.readTree(CliRun.run(0, "kernel", "--task", "wordnet-binary", "--seeds", "13,21",
                "--targets", "last-layer", "--test-cap", "40", "--solver", "lstsq,logistic,svm",
                "--out", dir.toString(), "--json"));
        assertEquals(2, r.get("outputs").asInt());
        assertEquals(40, r.get("testSize").asInt());
        assertEquals(2 * 4, r.get("rows").size(), "2 seeds x (zero-shot + 3 solvers)");
        assertEquals(4, r.get("summary").size());
        JsonNode e = JSON.readTree(CliRun.run(0, "eval", "--task", "wordnet-binary", "--head", "embedding",
                "--seed", "13", "--test-cap", "40", "--json"));
        JsonNode zero = r.get("rows").get(0);
        assertEquals("zero-shot", zero.get("solver").asText());
        assertEquals(e.get("accuracy").get("mean").asDouble(), zero.get("testAccuracy").asDouble(), 1e-12,
                "zero-shot row vs lorank eval");
        for (JsonNode row : r.get("rows")) {
            double m = row.get("testMetric").asDouble();
            assertTrue(m >= 0 && m <= 1, row.toString());
            if (row.get("solver").asText().equals("lstsq")) {
                assertEquals(1.0, row.get("trainAccuracy").asDouble(), 0, "least squares interpolates: " + row);
            }
        }
        assertTrue(Files.exists(dir.resolve("results.json")) && Files.exists(dir.resolve("config.json")));
    }
}
