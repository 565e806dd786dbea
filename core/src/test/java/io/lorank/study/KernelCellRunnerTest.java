package io.lorank.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorank.LorankException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mode {@code kernel}: its grid (one group per model, task and head; a cell per seed), a cell reading its own result
 * from the group artefact, refusals (seed outside its group, unknown solver, no head), and one real study on
 * wordnet-binary with MiniLM (1 seed, last-layer targets, 24 test examples): the cell is done, least squares fits
 * its own train split exactly (train accuracy 1), and the metric is a test accuracy.
 */
class KernelCellRunnerTest {
    private static StudyConfig grid(List<Integer> seeds, int testCap, String targets) {
        return new StudyConfig(List.of("all-minilm-l6-v2"), List.of("wordnet-binary"), seeds, List.of(),
                List.of("kernel"), List.of("embedding"), List.of(), 16, testCap, 64, targets, null, null);
    }

    private static String groupKey(CellSpec s) {
        return new CellSpec(s.mode(), s.model(), s.task(), null, s.shots(), s.head(), null, null, s.options()).canonicalJson();
    }

    @Test
    void cellsOfAGroupShareOneArtefact(@TempDir Path dir) {
        List<CellSpec> cells = grid(List.of(13, 21), 100, null).expand();
        assertEquals(2, cells.size(), "2 seeds");
        Set<String> groups = cells.stream().map(KernelCellRunnerTest::groupKey).collect(Collectors.toSet());
        assertEquals(1, groups.size());
        assertEquals("13,21", cells.get(0).stringOption("group_seeds", ""));
        assertEquals("lstsq", cells.get(0).stringOption("solver", ""));
        CellResult r21 = CellResult.builder().metric("accuracy", 0.75).build();
        LinearizedCellRunner.Group g = new LinearizedCellRunner.Group("abc", Map.of("21", r21,
                "13", CellResult.builder().metric("accuracy", 0.5).build()));
        CellContext ctx = new CellContext(dir, null);
        ctx.cache().text("kernel-group|" + groupKey(cells.get(0)), () -> Canonical.json(g));
        CellRunner.Output out = new KernelCellRunner().run(cells.get(1), ctx);
        assertEquals(Canonical.json(r21), Canonical.json(out.result()), "the cell's own seed, read from the artefact");
        assertEquals("abc", out.checkpointSha256());
    }

    @Test
    void badCellsAreRefused() {
        CellSpec c = grid(List.of(13), 100, null).expand().get(0);
        CellSpec odd = new CellSpec(c.mode(), c.model(), c.task(), 99, c.shots(), c.head(), null, null, c.options());
        LorankException e = assertThrows(LorankException.class, () -> new KernelCellRunner().validate(odd));
        assertTrue(e.getMessage().contains("must be in group_seeds"), e.getMessage());
        Map<String, Object> o = new java.util.TreeMap<>(c.options());
        o.put("solver", "ridge");
        CellSpec ridge = new CellSpec(c.mode(), c.model(), c.task(), 13, c.shots(), c.head(), null, null, o);
        e = assertThrows(LorankException.class, () -> new KernelCellRunner().validate(ridge));
        assertTrue(e.getMessage().contains("'ridge' is not a kernel solver; valid: lstsq, logistic, svm"), e.getMessage());
        e = assertThrows(LorankException.class, () -> new StudyConfig(List.of("all-minilm-l6-v2"),
                List.of("wordnet-binary"), List.of(13), List.of(), List.of("kernel"), List.of(), List.of(), 16, 0, 64,
                null, null, null));
        assertTrue(e.getMessage().startsWith("heads: empty, but mode kernel needs at least one head"), e.getMessage());
    }

    @Test
    void theKernelBlockPicksHeadsAndSolver() {
        String yaml = "tasks: [wordnet-binary]\nseeds: [13, 21]\nmodes: [eval, kernel]\nheads: [embedding, probe]\n"
                + "kernel: {heads: [embedding], solver: logistic}\n";
        List<CellSpec> cells = StudyConfigFile.parse(Path.of("k.yaml"), yaml).expand().stream()
                .filter(c -> c.mode().equals("kernel")).toList();
        assertEquals(2, cells.size(), "kernel.heads replaces the study's two heads: 1 head x 2 seeds");
        assertTrue(cells.stream().allMatch(c -> c.head().equals("embedding") && c.stringOption("solver", "").equals("logistic")));
        // without the block: the study's heads and lstsq, and the grid hash is unchanged by the block's existence
        StudyConfig plain = StudyConfigFile.parse(Path.of("k.yaml"), "tasks: [wordnet-binary]\nseeds: [13]\nmodes: [kernel]\nheads: [embedding]\n");
        assertEquals(null, plain.kernel());
        assertEquals("lstsq", plain.expand().get(0).stringOption("solver", ""));
        assertTrue(!Canonical.json(plain).contains("\"kernel\":"), "no kernel key in the grid's canonical JSON (its hash)");
        LorankException e = assertThrows(LorankException.class, () -> StudyConfigFile.parse(Path.of("k.yaml"),
                yaml.replace("logistic", "ridge")));
        assertEquals("k.yaml: kernel.solver: 'ridge' is not a kernel solver; allowed: lstsq, logistic, svm", e.getMessage());
        e = assertThrows(LorankException.class, () -> StudyConfigFile.parse(Path.of("k.yaml"),
                yaml.replace("solver: logistic", "reg: 1")));
        assertTrue(e.getMessage().startsWith("k.yaml: unknown key 'kernel.reg'; allowed keys: heads, solver"), e.getMessage());
    }

    @Test
    void aRealKernelStudyOnWordNet(@TempDir Path dir) throws Exception {
        StudyConfig cfg = grid(List.of(13), 24, "last-layer");
        Study.Summary s = Study.run(cfg, dir, null, false, new InProcessEngine(), Study.Events.NONE);
        assertEquals(1, s.done(), "the one kernel cell is done");
        try (ResultsDb db = ResultsDb.openExisting(dir.resolve(ResultsDb.FILE))) {
            List<ResultsDb.Row> rows = db.rows();
            assertEquals(1, rows.size());
            JsonNode r = new ObjectMapper().readTree(rows.get(0).result());
            double metric = r.get("test_metric").asDouble();
            assertTrue(metric >= 0 && metric <= 1, "test accuracy " + metric);
            assertEquals(24, r.get("test_size").asInt());
            assertEquals("lstsq", r.get("details").get("solver").asText());
            assertEquals(1.0, r.get("details").get("train_accuracy").asDouble(), 0, "least squares interpolates its train split");
        }
    }
}
