package io.lorank.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.util.Json;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The linearized CLI commands on tiny shapes: exit codes and JSON contents. */
class LinearizedCommandsTest {
    private static String run(int expectedExit, String... args) {
        return CliRun.run(expectedExit, args);
    }

    @Test
    void syntheticJsonReportsCertifiedRankAndBounds() throws Exception {
        String out = run(0, "synthetic", "--loss", "squared", "--m", "6", "--n", "6", "--examples", "40", "--outputs", "2",
                "--planted-rank", "1", "--seeds", "3", "--probe-inits", "2", "--max-rank", "6", "--json");
        JsonNode r = Json.MAPPER.readTree(out);
        assertEquals(13, r.get("paper1Bound").asInt(), "KN = 80: 12*13/2 = 78 <= 80 < 91 = 13*14/2");
        assertEquals(-1, r.get("paper2Bound").asInt(), "6x6: r(m+n)-r^2 <= 36 < 108 for every r");
        JsonNode s = r.get("seeds").get(0);
        assertEquals(s.get("convexRank").asInt(), s.get("minimalCertifiedRank").asInt());
        assertTrue(s.get("minimalCertifiedRank").asInt() >= 1);
    }

    @Test
    void badLossIsAUserError() {
        assertEquals(1, Main.execute("synthetic", "--loss", "hinge"));
    }

    @Test
    void benchRunsOnATinyShape() throws Exception {
        String out = run(0, "bench", "linearized", "--shapes", "2x16", "--examples", "3", "--tokens", "4", "--rank", "2",
                "--runs", "1", "--warmup", "0", "--json");
        JsonNode row = Json.MAPPER.readTree(out).get("rows").get(0);
        assertTrue(row.get("maxRelativeDifference").asDouble() < 1e-6, "dense (float) vs factored outputs");
        assertTrue(row.get("loraFactoredSeconds").asDouble() > 0);
        JsonNode torch = row.get("extra");
        assertEquals("torch-factored", torch.get("name").asText());
        assertTrue(torch.get("relativeDifference").asDouble() < 1e-5, "torch fp32 vs factored fp64 outputs");
        assertTrue(torch.get("loraSeconds").asDouble() > 0 && torch.get("convexSeconds").asDouble() > 0);
    }
}
