package io.lorank.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.LorankException;
import io.lorank.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shape of a BERT-layout encoder, as in Hugging Face's {@code config.json}.
 *
 * @param architecture          BERT or RoBERTa ({@code model_type})
 * @param hiddenSize            d, width of every hidden state
 * @param numLayers             number of encoder layers
 * @param numHeads              attention heads; d must be a multiple of it (head size d/heads)
 * @param intermediateSize      feed-forward width
 * @param hiddenAct             feed-forward activation (exact-erf "gelu" vs tanh "gelu_new")
 * @param layerNormEps          LayerNorm epsilon
 * @param vocabSize             rows of the word embedding
 * @param maxPositionEmbeddings rows of the position embedding
 * @param typeVocabSize         rows of the token-type embedding (1 for RoBERTa)
 * @param padTokenId            id of the padding token (RoBERTa's position offset is padTokenId + 1)
 */
public record EncoderConfig(Architecture architecture, int hiddenSize, int numLayers, int numHeads,
                            int intermediateSize, HiddenAct hiddenAct, double layerNormEps, int vocabSize,
                            int maxPositionEmbeddings, int typeVocabSize, int padTokenId) {

    public EncoderConfig {
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("intermediate_size", intermediateSize);
        positive("vocab_size", vocabSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        positive("type_vocab_size", typeVocabSize);
        if (hiddenSize % numHeads != 0) {
            throw new LorankException("config: hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numHeads);
        }
        if (!(layerNormEps > 0 && layerNormEps < 1)) {
            throw new LorankException("config: layer_norm_eps " + layerNormEps + " must be in (0, 1)");
        }
        if (padTokenId < 0 || padTokenId >= vocabSize) {
            throw new LorankException("config: pad_token_id " + padTokenId + " must be in [0, vocab_size)");
        }
    }

    /** Head size d / heads. */
    public int headSize() {
        return hiddenSize / numHeads;
    }

    /** Position id of the first real token: 0 for BERT, padTokenId + 1 for RoBERTa. */
    public int positionOffset() {
        return architecture == Architecture.ROBERTA ? padTokenId + 1 : 0;
    }

    /** Parameters of the encoder without heads (embeddings + layers), plus the pooler when {@code withPooler}. */
    public long parameterCount(boolean withPooler) {
        long d = hiddenSize;
        long emb = (long) (vocabSize + maxPositionEmbeddings + typeVocabSize) * d + 2 * d;
        long attention = 4 * (d * d + d) + 2 * d;
        long ffn = d * intermediateSize + intermediateSize + (long) intermediateSize * d + d + 2 * d;
        return emb + numLayers * (attention + ffn) + (withPooler ? d * d + d : 0);
    }

    /** Reads an HF {@code config.json}. */
    public static EncoderConfig read(Path configJson) {
        return fromJson(Json.readTree(configJson), configJson.toString());
    }

    /** Parses an HF config object; {@code where} names the file in error messages. */
    public static EncoderConfig fromJson(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new LorankException(where + ": expected a JSON object");
        }
        Architecture arch = Architecture.fromModelType(text(n, "model_type", where), where);
        try {
            return new EncoderConfig(arch,
                    integer(n, "hidden_size", where),
                    integer(n, "num_hidden_layers", where),
                    integer(n, "num_attention_heads", where),
                    integer(n, "intermediate_size", where),
                    HiddenAct.fromHf(n.path("hidden_act").asText("gelu"), where),
                    n.path("layer_norm_eps").asDouble(1e-12),
                    integer(n, "vocab_size", where),
                    integer(n, "max_position_embeddings", where),
                    n.path("type_vocab_size").asInt(arch == Architecture.ROBERTA ? 1 : 2),
                    n.path("pad_token_id").asInt(arch == Architecture.ROBERTA ? 1 : 0));
        } catch (LorankException e) {
            throw e.getMessage().startsWith("config:")
                    ? new LorankException(where + e.getMessage().substring("config".length())) : e;
        }
    }

    /** The HF {@code config.json} content for this config. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_type", architecture.modelType());
        m.put("architectures", java.util.List.of(architecture == Architecture.ROBERTA ? "RobertaModel" : "BertModel"));
        m.put("hidden_size", hiddenSize);
        m.put("num_hidden_layers", numLayers);
        m.put("num_attention_heads", numHeads);
        m.put("intermediate_size", intermediateSize);
        m.put("hidden_act", hiddenAct.hfName());
        m.put("layer_norm_eps", layerNormEps);
        m.put("vocab_size", vocabSize);
        m.put("max_position_embeddings", maxPositionEmbeddings);
        m.put("type_vocab_size", typeVocabSize);
        m.put("pad_token_id", padTokenId);
        return m;
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new LorankException("config: " + key + " is " + value + ", expected a positive integer");
        }
    }

    private static String text(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new LorankException(where + ": key \"" + key + "\" is missing or not a string");
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToInt()) {
            throw new LorankException(where + ": key \"" + key + "\" is missing or not an integer");
        }
        return v.asInt();
    }
}
