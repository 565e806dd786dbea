package io.lorank.study;

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
 * The linearized mode's grid and group artefact, without a model: cells of one (model, task, head, λ) share one
 * group key; a cell whose group artefact exists reads its own result from it (no computation); a seed or rank outside
 * its group is refused. The computation itself is issue 11's {@code LinearizedFineTuning}, tested there.
 */
class LinearizedCellRunnerTest {
    private static StudyConfig grid() {
        return new StudyConfig(List.of("all-minilm-l6-v2"), List.of("wordnet-binary"), List.of(13, 21), List.of(1, 4),
                List.of("linearized"), List.of("embedding"), List.of(0.05), 16, 100, 64, null, null,
                new StudyConfig.Linearized(50, 10));
    }

    private static String groupKey(CellSpec s) {
        return new CellSpec(s.mode(), s.model(), s.task(), null, s.shots(), s.head(), null, s.lambdaFraction(), s.options())
                .canonicalJson();
    }

    @Test
    void cellsOfAGroupShareOneArtefact(@TempDir Path dir) {
        List<CellSpec> cells = grid().expand();
        assertEquals(4, cells.size(), "2 seeds x 2 ranks");
        Set<String> groups = cells.stream().map(LinearizedCellRunnerTest::groupKey).collect(Collectors.toSet());
        assertEquals(1, groups.size());
        assertEquals("13,21", cells.get(0).stringOption("group_seeds", ""));
        assertEquals("1,4", cells.get(0).stringOption("group_ranks", ""));
        assertEquals(50, cells.get(0).intOption("lora_iterations", 0));

        CellResult r13r4 = CellResult.builder().objective(0.25).metric("accuracy", 0.8).build();
        LinearizedCellRunner.Group g = new LinearizedCellRunner.Group("abc", Map.of("13:4", r13r4,
                "13:1", CellResult.builder().objective(0.5).build()));
        CellContext ctx = new CellContext(dir, null);
        ctx.cache().text("linearized-group|" + groupKey(cells.get(0)), () -> Canonical.json(g));
        CellSpec c = cells.stream().filter(s -> s.seed() == 13 && s.rank() == 4).findFirst().orElseThrow();
        CellRunner.Output out = new LinearizedCellRunner().run(c, ctx);
        assertEquals(Canonical.json(r13r4), Canonical.json(out.result()), "the cell's own member, read from the artefact");
        assertEquals("abc", out.checkpointSha256());
    }

    @Test
    void seedOutsideItsGroupIsRefused() {
        CellSpec c = grid().expand().get(0);
        CellSpec odd = new CellSpec(c.mode(), c.model(), c.task(), 99, c.shots(), c.head(), c.rank(), c.lambdaFraction(), c.options());
        LorankException e = assertThrows(LorankException.class, () -> new LinearizedCellRunner().validate(odd));
        assertTrue(e.getMessage().contains("must be in group_seeds and group_ranks"), e.getMessage());
    }

    @Test
    void linearizedNeedsRanksHeadsAndLambda() {
        LorankException e = assertThrows(LorankException.class, () -> new StudyConfig(List.of("all-minilm-l6-v2"),
                List.of("wordnet-binary"), List.of(13), List.of(), List.of("linearized"), List.of("embedding"),
                List.of(0.05), 16, 0, 64, null, null, null));
        assertTrue(e.getMessage().startsWith("mode linearized needs ranks, heads and lambda_fractions"), e.getMessage());
    }
}
