package io.lorank.finetune;

import io.lorank.LorankException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The seed loop's policy: a diverged seed is recorded and the others still run; other errors stop the run. */
class FinetuningSeedsTest {
    @Test
    void aDivergedSeedIsRecordedAndTheOthersRun() {
        List<Integer> ran = new ArrayList<>();
        List<String> said = new ArrayList<>();
        Finetuning.SeedOutcomes<String> o = Finetuning.eachSeed(List.of(13, 21, 42), seed -> {
            ran.add(seed);
            if (seed == 21) {
                throw new TrainingDivergedException("finetune: the loss is NaN at step 57 (last finite loss 0.41)");
            }
            assertEquals(seed == 42 ? 1 : 0, said.size(), "the divergence is said before the next seed runs");
            return "seed " + seed;
        }, said::add);
        assertEquals(List.of(13, 21, 42), ran);
        assertEquals(List.of("seed 21 stopped, not in the mean (nothing written for it); the other seeds go on: "
                + "finetune: the loss is NaN at step 57 (last finite loss 0.41)"), said);
        assertEquals(List.of("seed 13", "seed 42"), o.results());
        assertEquals(List.of(new FinetuneResult.Failure(21, "finetune: the loss is NaN at step 57 (last finite loss 0.41)")), o.failed());
    }

    @Test
    void whenEverySeedDivergesTheFirstErrorIsThrown() {
        TrainingDivergedException[] first = new TrainingDivergedException[1];
        TrainingDivergedException thrown = assertThrows(TrainingDivergedException.class,
                () -> Finetuning.eachSeed(List.of(13, 21), seed -> {
                    TrainingDivergedException e = new TrainingDivergedException("seed " + seed + " diverged");
                    if (first[0] == null) {
                        first[0] = e;
                    }
                    throw e;
                }));
        assertSame(first[0], thrown);
    }

    @Test
    void anyOtherErrorStopsTheRunAtOnce() {
        List<Integer> ran = new ArrayList<>();
        LorankException e = assertThrows(LorankException.class, () -> Finetuning.eachSeed(List.of(13, 21, 42), seed -> {
            ran.add(seed);
            if (seed == 21) {
                throw new LorankException("task X: no test set found under /data");
            }
            return seed;
        }));
        assertEquals("task X: no test set found under /data", e.getMessage());
        assertEquals(List.of(13, 21), ran, "seed 42 never ran");
    }
}
