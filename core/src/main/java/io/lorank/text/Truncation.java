package io.lorank.text;

/** How over-long inputs are cut to the maximum length (Hugging Face's truncation strategies). */
public enum Truncation {
    /** Drop tokens from the longer of the two segments, one at a time (HF default). */
    LONGEST_FIRST,
    /** Only the first segment loses tokens. */
    ONLY_FIRST,
    /** Only the second segment loses tokens. */
    ONLY_SECOND
}
