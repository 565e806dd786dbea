package io.lorank.text;

import io.lorank.LorankException;

import java.util.List;

/**
 * Maps label indices to words for an MLM prompt head (LM-BFF's {@code --mapping}) and to descriptions for a
 * sentence-embedding prompt head (e.g. "It was great." / "It was terrible.": the class whose description embeds
 * closest to the example wins).
 *
 * <p>LM-BFF's rule for the label-word token: when the word does not start with {@code < [ . ,}, the token is the
 * tokenization of {@code " " + word}, which must be a single token (RoBERTa's {@code Ġgreat}; a WordPiece
 * tokenizer ignores the space and gives {@code great}); otherwise the word itself is looked up.
 *
 * @param words        one word per label index, or empty when the task defines none
 * @param descriptions one sentence per label index, or empty when the task defines none
 */
public record LabelVerbalizer(List<String> words, List<String> descriptions) {
    public LabelVerbalizer {
        words = List.copyOf(words);
        descriptions = List.copyOf(descriptions);
    }

    /** The text LM-BFF tokenizes for label {@code label}'s word: {@code " " + word} unless it starts with {@code <[.,}. */
    public String lmBffTokenText(int label) {
        if (words.isEmpty()) {
            throw new LorankException("this task defines no label words; an MLM prompt head needs them");
        }
        return lmBffTokenText(words.get(label));
    }

    public static String lmBffTokenText(String word) {
        char c = word.isEmpty() ? ' ' : word.charAt(0);
        return c == '<' || c == '[' || c == '.' || c == ',' ? word : " " + word;
    }

    public boolean hasWords() {
        return !words.isEmpty();
    }

    public boolean hasDescriptions() {
        return !descriptions.isEmpty();
    }
}
