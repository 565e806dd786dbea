package io.lorank.text;

/**
 * Tokenization options.
 *
 * @param maxLength         maximum tokens per sequence including special tokens (1..8192)
 * @param truncation        which segment loses tokens when a sequence is too long
 * @param addSpecialTokens  add [CLS]/[SEP] (or &lt;s&gt;/&lt;/s&gt;) as the tokenizer's post-processor defines
 * @param padToMaxLength    pad every batch to {@code maxLength} instead of to its longest row
 */
public record TokenizerOptions(int maxLength, Truncation truncation, boolean addSpecialTokens, boolean padToMaxLength) {
    public TokenizerOptions {
        if (maxLength < 1 || maxLength > 8192) {
            throw new io.lorank.LorankException("--max-length " + maxLength + " must be in [1, 8192]");
        }
        if (truncation == null) {
            throw new IllegalArgumentException("truncation must not be null");
        }
    }

    /** 512 tokens, longest-first, special tokens, pad to the longest row. */
    public static TokenizerOptions defaults() {
        return new TokenizerOptions(512, Truncation.LONGEST_FIRST, true, false);
    }

    public TokenizerOptions withMaxLength(int n) {
        return new TokenizerOptions(n, truncation, addSpecialTokens, padToMaxLength);
    }

    public TokenizerOptions withTruncation(Truncation t) {
        return new TokenizerOptions(maxLength, t, addSpecialTokens, padToMaxLength);
    }
}
