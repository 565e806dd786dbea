package io.lorank.text;

/**
 * A padded batch of token sequences, row-major [B, T] int64 arrays.
 *
 * @param batchSize     B
 * @param length        T (the longest sequence, or the fixed length asked for)
 * @param ids           token ids [B·T], padding = the tokenizer's pad id
 * @param attentionMask 1 for real tokens, 0 for padding [B·T]
 * @param typeIds       token types [B·T] (0 first segment, 1 second, as the tokenizer makes them)
 * @param lengths       real (unpadded) length of each row [B]
 */
public record TokenBatch(int batchSize, int length, long[] ids, long[] attentionMask, long[] typeIds, int[] lengths) {
    public TokenBatch {
        int n = batchSize * length;
        if (ids.length != n || attentionMask.length != n || typeIds.length != n || lengths.length != batchSize) {
            throw new IllegalArgumentException("TokenBatch arrays do not match [" + batchSize + ", " + length + "]");
        }
    }

    /** Row i's ids, without padding. */
    public long[] row(int i) {
        long[] r = new long[lengths[i]];
        System.arraycopy(ids, i * length, r, 0, lengths[i]);
        return r;
    }

    /** Total number of real tokens. */
    public long tokenCount() {
        long s = 0;
        for (int l : lengths) {
            s += l;
        }
        return s;
    }
}
