package io.lorank.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.Lorank;
import io.lorank.util.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command's --json carries one provenance record of the study database's shape (issue 10, item 6). */
class ProvenanceJsonTest {
    @Test
    void boundsJsonCarriesProvenance() throws Exception {
        JsonNode j = Json.MAPPER.readTree(CliRun.run(0, "bounds", "--examples", "32", "--outputs", "2", "--shape", "768x768", "--json"));
        JsonNode p = j.get("provenance");
        assertTrue(p != null && p.isObject(), j::toString);
        assertEquals(Lorank.VERSION, p.get("lorankVersion").asText());
        assertTrue(p.get("machine").get("cores").asInt() >= 1);
        assertTrue(p.get("libraries").has("ejml-core") || p.get("libraries").size() > 0, "library versions");
        assertTrue(j.size() > 1, "the payload's own fields are kept beside it");
    }

    @Test
    void nonObjectPayloadGoesUnderResult() throws Exception {
        JsonNode j = Json.MAPPER.readTree(ProvenanceJson.write(List.of(1, 2), Map.of("k", 1), null));
        assertEquals(2, j.get("result").size());
        assertEquals(64, j.get("provenance").get("configHash").asText().length(), "SHA-256 of the config");
        assertFalse(j.get("provenance").has("checkpointSha256"), "no model read, no checkpoint hash");
    }
}
