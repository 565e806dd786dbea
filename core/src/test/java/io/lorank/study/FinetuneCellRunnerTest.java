package io.lorank.study;

import io.lorank.LorankException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mode {@code finetune}: the grid (ranks then full, per seed), the budget options, the paper-1 rank of the
 * linearized grid, and one real fine-tuning cell on a tiny budget (WordNet, 1 seed, 3 steps) through a study folder:
 * a done row with the test metric, the loss curve, ‖ΔW‖/‖W0‖ and the PEFT adapter as a keyed artefact; a rerun keeps it.
 */
class FinetuneCellRunnerTest {
    private static StudyConfig grid(List<Integer> seeds, StudyConfig.Finetune ft) {
        return new StudyConfig(List.of("all-minilm-l6-v2"), List.of("wordnet-binary"), seeds, List.of(),
                List.of("finetune"), List.of("embedding"), List.of(), 16, 16, 32, null, null, null, ft);
    }

    @Test
    void gridHasRanksThenFullPerSeed() {
        StudyConfig.Finetune ft = new StudyConfig.Finetune(List.of(1, 8), true, 20, 1e-3, 8, 10, 0, List.of());
        List<CellSpec> cells = grid(List.of(13, 21), ft).expand();
        assertEquals(6, cells.size(), "2 seeds x (r 1, r 8, full)");
        assertEquals(6, cells.stream().map(CellSpec::hash).collect(Collectors.toSet()).size(), "distinct hashes");
        CellSpec r1 = cells.get(0);
        CellSpec full = cells.get(2);
        assertEquals(1, r1.rank());
        assertEquals(20, r1.intOption("steps", 0));
        assertEquals(1e-3, r1.option("lr", 0), 0);
        assertEquals("lora", r1.stringOption("method", ""));
        assertNull(full.rank());
        assertEquals("full", full.stringOption("method", ""));
        assertEquals(2e-5, full.option("lr", 0), 1e-18, "full fine-tuning at lr / 50");
        cells.forEach(c -> new FinetuneCellRunner().validate(c));
    }

    @Test
    void rankAndFullTogetherAreRefused() {
        CellSpec c = grid(List.of(13), new StudyConfig.Finetune(List.of(1), false, 5, 1e-3, 8, 5, 0, List.of())).expand().get(0);
        Map<String, Object> o = new java.util.TreeMap<>(c.options());
        o.put("method", "full");
        CellSpec bad = new CellSpec(c.mode(), c.model(), c.task(), c.seed(), c.shots(), c.head(), 1, null, o);
        LorankException e = assertThrows(LorankException.class, () -> new FinetuneCellRunner().validate(bad));
        assertTrue(e.getMessage().contains("give a rank (LoRA) or method = full, not both"), e.getMessage());
    }

    @Test
    void finetuneNeedsRanksOrFull() {
        LorankException e = assertThrows(LorankException.class, () -> grid(List.of(13),
                new StudyConfig.Finetune(List.of(), false, 5, 1e-3, 8, 5, 0, List.of())));
        assertTrue(e.getMessage().startsWith("mode finetune needs ranks"), e.getMessage());
    }

    @Test
    void linearizedGridAddsEachTasksPaper1Rank() {
        StudyConfig cfg = new StudyConfig(List.of("all-minilm-l6-v2"), List.of("wordnet-binary", "wordnet-5way"),
                List.of(13), List.of(1, 2), List.of("linearized"), List.of("embedding", "probe"), List.of(0.05), 16, 0,
                64, null, null, new StudyConfig.Linearized(10, 2, true, List.of("embedding")));
        Map<String, Set<Integer>> ranks = cfg.expand().stream().collect(Collectors.groupingBy(CellSpec::task,
                Collectors.mapping(CellSpec::rank, Collectors.toSet())));
        // KN = 16·2·2 = 64 → r(r+1)/2 > 64 first at r = 11; KN = 16·5·5 = 400 → r = 28
        assertEquals(Set.of(1, 2, 11), ranks.get("wordnet-binary"));
        assertEquals(Set.of(1, 2, 28), ranks.get("wordnet-5way"));
        assertTrue(cfg.expand().stream().allMatch(c -> c.head().equals("embedding")), "the block's heads replace the study's");
    }

    @Test
    void tinyFinetuneCellThroughAStudy(@TempDir Path dir) throws Exception {
        StudyConfig cfg = grid(List.of(13), new StudyConfig.Finetune(List.of(1), false, 3, 1e-3, 4, 3, 0, List.of()));
        Study.Summary s = Study.run(cfg, dir, null, false, new InProcessEngine(), Study.Events.NONE);
        assertEquals(1, s.done(), "failures: " + s.failures());
        try (ResultsDb db = ResultsDb.openExisting(dir.resolve(ResultsDb.FILE))) {
            ResultsDb.Row row = db.rows().get(0);
            CellResult r = Canonical.read(row.result(), CellResult.class);
            CellSpec spec = Canonical.read(row.spec(), CellSpec.class);
            assertEquals("acc", r.metric(), "the task metric's short name, as mode eval");
            assertTrue(r.testMetric() >= 0 && r.testMetric() <= 1, "test metric " + r.testMetric());
            assertEquals(16, r.testSize(), "test_cap");
            assertEquals(32, r.examples(), "N = 16 shots x 2 classes");
            assertEquals(2, r.outputs());
            assertEquals(3, r.iterations());
            assertEquals(3, r.curve().length, "one loss per step");
            for (double v : r.curve()) {
                assertTrue(Double.isFinite(v) && v > 0, "cross-entropy " + v);
            }
            double ratio = ((Number) r.details().get("delta_w_over_w0_mean")).doubleValue();
            // B starts at 0, so ΔW = 0 at init; 3 Adam steps at lr ≤ 1e-3 move it, but far less than W0's norm
            assertTrue(ratio > 0 && ratio < 0.1, "‖ΔW‖/‖W0‖ " + ratio);
            assertEquals(12, ((Map<?, ?>) r.details().get("delta_w_over_w0")).size(), "query,value of 6 layers");
            Path adapter = dir.resolve((String) r.details().get("adapter"));
            assertEquals(dir.resolve(FinetuneCellRunner.artefactDir(spec)).resolve("seed-13/adapter"), adapter);
            assertTrue(Files.size(adapter.resolve("adapter_model.safetensors")) > 0);
            assertTrue(Files.readString(adapter.resolve("adapter_config.json")).contains("\"r\""));
        }
        Study.Summary again = Study.run(cfg, dir, null, false, new InProcessEngine(), Study.Events.NONE);
        assertEquals(0, again.ran(), "a done cell is not recomputed");
        assertEquals(1, again.skipped());
    }
}
