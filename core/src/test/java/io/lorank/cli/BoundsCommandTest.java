package io.lorank.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.util.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoundsCommandTest {
    private static String[] run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new String[]{String.valueOf(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void jsonHasBothRanks() throws Exception {
        String[] r = run("bounds", "--examples", "32", "--outputs", "2", "--shape", "768x768", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode j = Json.MAPPER.readTree(r[1]);
        assertEquals(11, j.get("paper1_rank").asInt());
        assertEquals(1, j.get("paper2_rank").asInt());
        assertEquals(1, j.get("targets").size());
    }

    @Test
    void targetsCountAndModelShortcut() throws Exception {
        String[] r = run("bounds", "--examples", "100", "--shape", "8x8", "--targets", "3", "--json");
        JsonNode j = Json.MAPPER.readTree(r[1]);
        assertEquals(3, j.get("targets").size());
        // KN = 200, need > 270: 3·d(r) for 8x8: d(4)=48 -> 144, d(8)=64 -> 192 <= 270 -> unattainable
        assertTrue(j.get("paper2_rank").isNull());
        r = run("bounds", "--examples", "64", "--model", "all-minilm-l6-v2", "--target-set", "query,value", "--json");
        assertEquals("0", r[0], r[2]);
        j = Json.MAPPER.readTree(r[1]);
        assertEquals(12, j.get("targets").size());
        assertEquals(1, j.get("paper2_rank").asInt());
        assertEquals(16, j.get("paper1_rank").asInt()); // KN = 128: 15·16/2 = 120 <= 128 < 136
    }

    @Test
    void badInputExitsOneWithOneLine() {
        // bad option values are usage errors (exit 2, one line; cli.options.Converters)
        String[] r = run("bounds", "--examples", "0", "--shape", "8x8");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("lorank bounds: Invalid value for option '--examples'"), r[2]);
        assertEquals(1, r[2].strip().lines().count());
        r = run("bounds", "--examples", "4", "--shape", "8by8");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--shape"), r[2]);
        r = run("bounds", "--examples", "4");
        assertEquals("1", r[0]);
        r = run("bounds", "--examples", "four", "--shape", "8x8");
        assertEquals("2", r[0]);
    }
}
