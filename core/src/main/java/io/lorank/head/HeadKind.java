package io.lorank.head;

import io.lorank.LorankException;

import java.util.Locale;

/** Which head turns the encoder into a classifier f(W0). */
public enum HeadKind {
    /** LM-BFF prompt: the MLM head's scores of the label words at the mask position (needs MLM weights). */
    MLM,
    /** s · cos(pool(prompt(x)), pool(label description)) for sentence-embedding encoders. */
    EMBEDDING,
    /** A linear probe (multinomial logistic regression) on frozen pooled features, fitted on the k-shot train set. */
    PROBE;

    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the head is fitted on the split's train set (otherwise it is zero-shot and seed-independent). */
    public boolean trained() {
        return this == PROBE;
    }

    public static HeadKind parse(String s) {
        for (HeadKind k : values()) {
            if (k.lowerName().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new LorankException("--head: '" + s + "' is not a head; choose mlm, embedding or probe");
    }
}
