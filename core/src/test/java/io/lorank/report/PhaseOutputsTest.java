package io.lorank.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.cli.Main;
import io.lorank.linearized.phase.PhaseConfig;
import io.lorank.linearized.phase.PhaseExperiment;
import io.lorank.linearized.phase.PhaseSolver;
import io.lorank.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhaseOutputsTest {
    @Test
    void writesCsvJsonAndPngsAtomically(@TempDir Path dir) throws Exception {
        PhaseConfig c = new PhaseConfig(6, 6, List.of(1, 2), List.of(), List.of(0.8, 1.0, 2.0), 4, 5, 200, 1e-10, 20, 2, PhaseSolver.LM, 1);
        PhaseExperiment.Result res = PhaseExperiment.run(c);
        Path out = dir.resolve("nested/out");
        PhaseOutputs.writeAll(res, out);
        List<String> csv = Files.readAllLines(out.resolve(PhaseOutputs.CSV));
        assertTrue(csv.get(0).startsWith("r,kn,dimension,ratio,successes,trials,fraction"));
        assertEquals(1 + res.cells().size(), csv.size());
        assertEquals(6, res.cells().size()); // 2 ranks x 3 ratios (distinct KN)
        for (String png : new String[]{PhaseOutputs.HEATMAP, PhaseOutputs.CURVE}) {
            byte[] b = Files.readAllBytes(out.resolve(png));
            assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(b, 4), png);
        }
        JsonNode j = Json.MAPPER.readTree(out.resolve(PhaseOutputs.JSON).toFile());
        assertEquals(6, j.get("config").get("m").asInt());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(4, files.count(), "no temp files left behind");
        }
        // deterministic: same seed, different thread count -> same tallies
        PhaseConfig c1 = new PhaseConfig(6, 6, List.of(1, 2), List.of(), List.of(0.8, 1.0, 2.0), 4, 5, 200, 1e-10, 20, 1, PhaseSolver.LM, 1);
        assertEquals(res.cells(), PhaseExperiment.run(c1).cells());
    }

    @Test
    void cliJsonHasCstarKeys(@TempDir Path dir) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute("phase", "--m", "6", "--n", "6", "--ranks", "1", "--trials", "6", "--bootstrap", "20",
                    "--ratios", "0.9,1.0,1.2,2.0", "--out", dir.toString(), "--json");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code);
        JsonNode j = Json.MAPPER.readTree(buf.toString(StandardCharsets.UTF_8));
        for (String k : new String[]{"cstar", "cstar_low", "cstar_high", "per_rank"}) {
            assertTrue(j.has(k), k);
        }
        assertTrue(Files.exists(dir.resolve(PhaseOutputs.CSV)));
        assertEquals(1, Main.execute("phase", "--m", "6", "--n", "6", "--ranks", "7", "--out", dir.toString()));
    }
}
