package io.lorank.util;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lorank.LorankException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonErrorTest {
    record Spec(String name, int count) {
    }

    @Test
    void malformedJsonIsOneLineWithLineAndColumn(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("config.json"), "{\n  \"a\": 1,\n  }\n");
        String m = assertThrows(LorankException.class, () -> Json.readTree(f)).getMessage();
        assertTrue(m.startsWith(f + ":3:3: Unexpected character"), m);
        assertTrue(m.contains("expecting double-quote"), m);
        assertFalse(m.contains("\n") || m.contains("Source:"), m);
        assertTrue(assertThrows(LorankException.class, () -> Json.readTree(dir.resolve("none.json")))
                .getMessage().endsWith("not found"));
    }

    @Test
    void yamlSyntaxAndMappingErrorsAreOneLine() {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonProcessingException syntax = assertThrows(JsonProcessingException.class,
                () -> yaml.readValue("name: x\n  count: [1\n", Spec.class));
        String m = Json.error("task.yaml", syntax).getMessage();
        assertTrue(m.matches("task\\.yaml:\\d+:\\d+: .+"), m);
        assertFalse(m.contains("\n"), m);
        JsonProcessingException type = assertThrows(JsonProcessingException.class,
                () -> yaml.readValue("name: x\ncount: many\n", Spec.class));
        String t = Json.error("task.yaml", type).getMessage();
        assertTrue(t.startsWith("task.yaml:2:8: ") && t.endsWith("(at key count)"), t);
        assertFalse(t.contains("\n"), t);
    }
}
