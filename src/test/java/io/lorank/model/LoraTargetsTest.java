package io.lorank.model;

import io.lorank.LorankException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LoraTargetsTest {
    @Test
    void queryValueOfMiniLmAreTwelve384Squares() {
        List<LoraTargets.Target> qv = LoraTargets.of(LoraTargets.config("all-minilm-l6-v2"), "query,value");
        assertEquals(12, qv.size(), "6 layers x {query, value}");
        assertEquals(new LoraTargets.Target("encoder.layer.0.attention.self.query", 384, 384), qv.get(0));
        assertEquals("encoder.layer.5.attention.self.value", qv.get(11).name());
    }

    @Test
    void feedForwardShapesFollowTheLinearWeightLayout() {
        List<LoraTargets.Target> ffn = LoraTargets.of(LoraTargets.config("e5-small-v2"), "intermediate.dense,output.dense");
        assertEquals(24, ffn.size(), "12 layers x 2");
        assertEquals(new LoraTargets.Target("encoder.layer.0.intermediate.dense", 1536, 384), ffn.get(0));
        assertEquals(new LoraTargets.Target("encoder.layer.0.output.dense", 384, 1536), ffn.get(1));
    }

    @Test
    void namesMatchTheEncodersOwnLinears() {
        // the same HF names the encoder registers, so a bound's per-target rows map to real modules
        List<String> names = LoraTargets.of(LoraTargets.config("bge-small-en-v1.5"), String.join(",", LoraTargets.SUFFIXES))
                .stream().map(LoraTargets.Target::name).toList();
        assertEquals(72, names.size());
        assertEquals("encoder.layer.11.output.dense", names.get(71));
        assertEquals("encoder.layer.0.attention.output.dense", names.get(3));
    }

    @Test
    void aFolderIsReadFromItsConfigJson(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "bert", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "intermediate_size": 256, "hidden_act": "gelu", "layer_norm_eps": 1e-12, "vocab_size": 100,
                 "max_position_embeddings": 32, "type_vocab_size": 2, "pad_token_id": 0}""");
        List<LoraTargets.Target> t = LoraTargets.of(LoraTargets.config(dir.toString()), "intermediate.dense");
        assertEquals(List.of(new LoraTargets.Target("encoder.layer.0.intermediate.dense", 256, 64),
                new LoraTargets.Target("encoder.layer.1.intermediate.dense", 256, 64)), t);
    }

    @Test
    void unknownModelOrTargetIsAUserError() {
        assertThrows(LorankException.class, () -> LoraTargets.config("bert-huge"));
        assertThrows(LorankException.class, () -> LoraTargets.of(LoraTargets.config("bge-small-en-v1.5"), "qurey"));
        assertThrows(LorankException.class, () -> LoraTargets.of(LoraTargets.config("bge-small-en-v1.5"), " , "));
    }
}
