package io.lorank.encoder;

import io.lorank.LorankException;
import io.lorank.model.EncoderConfig;
import io.lorank.model.ModelRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetSelectionTest {
    private static List<LinearTarget> select(String model, String spec) {
        return TargetSelection.select(ModelRegistry.config(model), spec);
    }

    @Test
    void queryValueOfMiniLmAreTwelve384Squares() {
        List<LinearTarget> qv = select("all-minilm-l6-v2", TargetSelection.DEFAULT);
        assertEquals(12, qv.size(), "6 layers x {query, value}");
        assertEquals(new LinearTarget("encoder.layer.0.attention.self.query", 384, 384), qv.get(0));
        assertEquals("encoder.layer.5.attention.self.value", qv.get(11).name());
    }

    @Test
    void feedForwardShapesFollowTheLinearWeightLayout() {
        // output.dense is the FFN output only, not attention.output.dense
        List<LinearTarget> ffn = select("e5-small-v2", "intermediate.dense,output.dense");
        assertEquals(24, ffn.size(), "12 layers x 2");
        assertEquals(new LinearTarget("encoder.layer.0.intermediate.dense", 1536, 384), ffn.get(0));
        assertEquals(new LinearTarget("encoder.layer.0.output.dense", 384, 1536), ffn.get(1));
    }

    @Test
    void allLinearIsSixPerLayerInHfOrder() {
        List<String> names = select("bge-small-en-v1.5", "all-linear").stream().map(LinearTarget::name).toList();
        assertEquals(72, names.size());
        assertEquals("encoder.layer.0.attention.self.query", names.get(0));
        assertEquals("encoder.layer.0.attention.output.dense", names.get(3));
        assertEquals("encoder.layer.11.output.dense", names.get(71));
    }

    @Test
    void lastLayerAndFullNamesAndNoDuplicates() {
        assertEquals(List.of("encoder.layer.5.attention.self.query", "encoder.layer.5.attention.self.value"),
                select("all-minilm-l6-v2", "last-layer").stream().map(LinearTarget::name).toList());
        List<LinearTarget> t = select("all-minilm-l6-v2", "encoder.layer.2.attention.self.key,key");
        assertEquals(6, t.size(), "the full name is also matched by 'key'; kept once");
        assertEquals("encoder.layer.0.attention.self.key", t.get(0).name(), "encoder order, not entry order");
    }

    @Test
    void unknownNameListsTheValidOnes() {
        var e = assertThrows(LorankException.class, () -> select("all-minilm-l6-v2", "query,qurey"));
        assertTrue(e.getMessage().contains("'qurey'") && e.getMessage().contains("attention.output.dense")
                && e.getMessage().contains("all-linear"), e.getMessage());
        assertTrue(e.getMessage().endsWith("or a full name such as encoder.layer.5.output.dense"), e.getMessage());
    }

    @Test
    void aFolderIsReadFromItsConfigJson(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "bert", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "intermediate_size": 256, "hidden_act": "gelu", "layer_norm_eps": 1e-12, "vocab_size": 100,
                 "max_position_embeddings": 32, "type_vocab_size": 2, "pad_token_id": 0}""");
        EncoderConfig c = ModelRegistry.config(dir.toString());
        assertEquals(List.of(new LinearTarget("encoder.layer.0.intermediate.dense", 256, 64),
                new LinearTarget("encoder.layer.1.intermediate.dense", 256, 64)),
                TargetSelection.select(c, "intermediate.dense"));
    }

    @Test
    void neitherNameNorFolderIsOneLine() {
        var e = assertThrows(LorankException.class, () -> ModelRegistry.config("/no/such/model"));
        assertTrue(e.getMessage().contains("lorank models"), e.getMessage());
    }
}
