package io.lorank.data;

import io.lorank.LorankException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The shared few-shot option checks: each bad value is one line naming its option; good seeds come back as a copy. */
class FewShotOptionsTest {
    private static String error(Runnable r) {
        return assertThrows(LorankException.class, r::run).getMessage();
    }

    @Test
    void eachBadValueNamesItsOption() {
        List<Integer> seeds = List.of(13, 21);
        assertEquals("kernel: --model, --task and --head are required",
                error(() -> FewShotOptions.check("kernel", " ", "SST-2", "embedding", 16, seeds)));
        assertEquals("finetune: --model, --task and --head are required",
                error(() -> FewShotOptions.check("finetune", "m", "SST-2", null, 16, seeds)));
        assertEquals("--shots: 0 is not allowed; expected k >= 1",
                error(() -> FewShotOptions.check("linearized", "m", "SST-2", "embedding", 0, seeds)));
        assertEquals("--seeds: [13, 13] is not allowed; expected distinct seeds >= 0, e.g. 13,21,42,87,100",
                error(() -> FewShotOptions.check("linearized", "m", "SST-2", "embedding", 16, List.of(13, 13))));
        assertEquals("--seeds: [-1] is not allowed; expected distinct seeds >= 0, e.g. 13,21,42,87,100",
                error(() -> FewShotOptions.check("linearized", "m", "SST-2", "embedding", 16, List.of(-1))));
        assertEquals("--test-cap: -1 is not allowed; expected 0 (no cap) or a positive count",
                error(() -> FewShotOptions.checkLengths(-1, 128)));
        assertEquals("--max-length: 7 is not allowed; expected 8..8192", error(() -> FewShotOptions.checkLengths(0, 7)));
        assertEquals("--max-length: 8193 is not allowed; expected 8..8192", error(() -> FewShotOptions.checkLengths(0, 8193)));
    }

    @Test
    void goodSeedsComeBackAsAnUnmodifiableCopy() {
        List<Integer> seeds = new ArrayList<>(List.of(13, 21));
        List<Integer> out = FewShotOptions.check("kernel", "m", "SST-2", "embedding", 16, seeds);
        seeds.add(42);
        assertEquals(List.of(13, 21), out);
        assertThrows(UnsupportedOperationException.class, () -> out.add(1));
        FewShotOptions.checkLengths(0, 8);
        FewShotOptions.checkLengths(1000, 8192);
    }
}
