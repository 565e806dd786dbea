package io.lorank.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorank.model.ModelSource;
import io.lorank.study.Canonical;
import io.lorank.study.Provenance;
import io.lorank.util.Json;

/**
 * A command's {@code --json}: its payload's fields plus one {@code provenance} field, the same {@link Provenance}
 * record the study database stores (config hash, checkpoint SHA-256, lorank and library versions, machine). A payload
 * that is not a JSON object goes under {@code result}.
 */
final class ProvenanceJson {
    private ProvenanceJson() {
    }

    /**
     * @param payload what the command prints
     * @param config  the resolved config the hash is taken of (null: none)
     * @param model   the model read (its checkpoint is hashed; null: no model)
     */
    static String write(Object payload, Object config, String model) {
        JsonNode tree = Json.MAPPER.valueToTree(payload);
        ObjectNode out;
        if (tree instanceof ObjectNode o) {
            out = o;
        } else {
            out = Json.MAPPER.createObjectNode();
            out.set("result", tree);
        }
        String sha = model == null ? null : ModelSource.load(model).sha256();
        out.set("provenance", Json.MAPPER.valueToTree(Provenance.of(config == null ? null : Canonical.hash(config), null, sha)));
        return Json.write(out);
    }
}
