package io.lorank.entk;

import io.lorank.LorankException;

/** The option checks every factor-extracting command shares (kernel, linearized): one wording for each. */
final class ExtractionOptions {
    private ExtractionOptions() {
    }

    /** --test-cap ≥ 0, --chunk ≥ 1, --max-length in 8..8192, as one-line errors. */
    static void check(int testCap, int chunk, int maxLength) {
        if (testCap < 0) {
            throw new LorankException("--test-cap: " + testCap + " is not allowed; expected 0 (no cap) or a positive count");
        }
        if (chunk < 1) {
            throw new LorankException("--chunk: " + chunk + " is not allowed; expected >= 1 examples per forward");
        }
        if (maxLength < 8 || maxLength > 8192) {
            throw new LorankException("--max-length: " + maxLength + " is not allowed; expected 8..8192");
        }
    }
}
