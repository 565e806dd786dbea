package io.lorank.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TasksSplitCommandTest {
    @TempDir
    Path dir;

    private static String run(int expectedExit, String... args) {
        return CliRun.run(expectedExit, args);
    }

    @Test
    void tasksJsonListsAllSixteen() throws Exception {
        JsonNode tasks = Json.MAPPER.readTree(run(0, "tasks", "--json", "--data", dir.toString()));
        assertEquals(16, tasks.size());
        JsonNode mnli = tasks.get(8);
        assertEquals("MNLI", mnli.get("name").asText());
        assertEquals("pair", mnli.get("kind").asText());
        assertEquals(3, mnli.get("classes").asInt());
        assertEquals(false, mnli.get("data_found").asBoolean());
        assertEquals(true, tasks.get(14).get("data_found").asBoolean()); // wordnet-binary is built in
    }

    @Test
    void splitWritesSplitJson() throws Exception {
        Path out = dir.resolve("run");
        String text = run(0, "split", "--task", "wordnet-binary", "--seed", "21", "--shots", "4", "--out", out.toString());
        assertTrue(text.contains("train 8 [4, 4]"), text);
        JsonNode split = Json.MAPPER.readTree(Files.readString(out.resolve("split.json")));
        assertEquals(8, split.get("train").size());
        assertEquals(8, split.get("dev").size());
        assertEquals(1000, split.get("test").size());
        assertEquals(21, split.get("seed").asInt());
        assertTrue(split.get("train").get(0).get("id").asText().startsWith("wn31:"));
    }

    @Test
    void unknownTaskAndMissingDataAreUserErrors() {
        run(1, "split", "--task", "nope", "--out", dir.toString());
        run(2, "split", "--task", "SST-2", "--data", dir.resolve("absent").toString(), "--out", dir.toString());
        run(2, "split", "--task", "SST-2");
    }
}
