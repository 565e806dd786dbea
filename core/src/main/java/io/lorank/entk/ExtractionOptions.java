package io.lorank.entk;

import io.lorank.LorankException;

/** The option checks every factor-extracting command shares (kernel, linearized): one wording for each. */
final class ExtractionOptions {
    private ExtractionOptions() {
    }

    /** --test-cap ≥ 0, --chunk ≥ 1, --max-length in 8..8192, as one-line errors. */
    static void check(int testCap, int chunk, int maxLength) {
        io.lorank.data.FewShotOptions.checkLengths(testCap, maxLength);
        if (chunk < 1) {
            throw new LorankException("--chunk: " + chunk + " is not allowed; expected >= 1 examples per forward");
        }
    }
}
