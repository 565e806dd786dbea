package io.lorank.model;

import io.lorank.LorankException;

import java.util.Locale;

/**
 * Encoder families with the BERT layout (embeddings, post-LayerNorm layers, HF parameter names). RoBERTa differs
 * only in its position ids (offset {@code pad_token_id + 1}, counted over non-pad tokens), a single token type, and
 * the names of its MLM head.
 */
public enum Architecture {
    /** BERT and BERT-layout sentence encoders (MiniLM, BGE, E5). */
    BERT("bert"),
    /** RoBERTa: position ids start at padding_idx + 1; no token types. */
    ROBERTA("roberta");

    private final String modelType;

    Architecture(String modelType) {
        this.modelType = modelType;
    }

    /** The Hugging Face {@code model_type} string. */
    public String modelType() {
        return modelType;
    }

    /** Maps an HF {@code model_type}; {@code where} names the file for the error message. */
    public static Architecture fromModelType(String modelType, String where) {
        String t = modelType == null ? "" : modelType.toLowerCase(Locale.ROOT);
        return switch (t) {
            case "bert" -> BERT;
            case "roberta", "xlm-roberta", "camembert" -> ROBERTA;
            default -> throw new LorankException(where + ": model_type \"" + modelType + "\" is not supported, "
                    + "expected one of bert, roberta (BERT-layout encoders such as MiniLM, BGE, E5 are \"bert\")");
        };
    }
}
