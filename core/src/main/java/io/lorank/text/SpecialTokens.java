package io.lorank.text;

/**
 * The tokenizer's special-token strings a rendered prompt uses: BERT-style {@code [CLS] [MASK] [SEP]} or
 * RoBERTa-style {@code <s> <mask> </s>}. The tokenizer wrapper supplies the strings of the loaded tokenizer.
 */
public record SpecialTokens(String cls, String mask, String sep) {
    public SpecialTokens {
        if (cls == null || mask == null || sep == null) {
            throw new IllegalArgumentException("cls, mask and sep strings are all required");
        }
    }

    public static SpecialTokens bert() {
        return new SpecialTokens("[CLS]", "[MASK]", "[SEP]");
    }

    public static SpecialTokens roberta() {
        return new SpecialTokens("<s>", "<mask>", "</s>");
    }
}
