package io.lorank.data;

import java.util.Objects;

/**
 * One labelled example: a text, an optional second text (pair tasks: premise/hypothesis, question/sentence), and
 * the label as an index into {@link Task#labels()}.
 *
 * @param id       where it came from, {@code file:line} (1-based line of the file), so a result can be traced to it
 * @param text     first text (LM-BFF {@code sent_0})
 * @param textPair second text (LM-BFF {@code sent_1}) or {@code null} for single-sentence tasks
 * @param label    label index in [0, number of labels)
 */
public record Example(String id, String text, String textPair, int label) {
    public Example {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        if (label < 0) {
            throw new IllegalArgumentException("label index must be >= 0, got " + label);
        }
    }

    /** The texts as LM-BFF's {@code input_text_list}: one or two entries. */
    public java.util.List<String> texts() {
        return textPair == null ? java.util.List.of(text) : java.util.List.of(text, textPair);
    }
}
