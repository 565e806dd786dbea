package io.lorank.study;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The study configs shipped with lorank parse and expand to the grids RESULTS.md describes: the demo's embedded
 * {@code demo.yaml}, and {@code docs/studies/*.yaml} (issue 11's linearized grids, issue 9's fine-tuning grids).
 */
class StudyConfigFilesTest {
    private static Map<String, Long> cellsPerMode(StudyConfig cfg) {
        return cfg.expand().stream().collect(Collectors.groupingBy(CellSpec::mode, Collectors.counting()));
    }

    @Test
    void demoGrid() {
        StudyConfig cfg = DemoStudy.config();
        cfg.validateNames();
        // eval 2 tasks x 5 seeds x 2 heads; bounds 2; kernel 2 x 5 seeds (embedding head only);
        // linearized 2 x 5 seeds x (1, 2, 4, 8, paper-1); finetune 2 x 5 x (1, 8)
        assertEquals(Map.of("eval", 20L, "bounds", 2L, "kernel", 10L, "linearized", 50L, "finetune", 20L), cellsPerMode(cfg));
        assertEquals(List.of("embedding"), cfg.expand().stream().filter(c -> c.mode().equals("kernel")).map(CellSpec::head).distinct().toList());
        assertEquals(List.of("1,2,4,8,11", "1,2,4,8,28"), cfg.expand().stream().filter(c -> c.mode().equals("linearized"))
                .map(c -> c.stringOption("group_ranks", "")).distinct().toList());
    }

    @Test
    void issueGridsInDocs() {
        Path dir = Path.of("docs/studies");
        // 5 tasks x 5 seeds x 2 heads; 5 tasks; kernel 5 tasks x 5 seeds (embedding);
        // 5 tasks x 2 λ x 5 seeds x 5 ranks (MNLI: KN = 144, paper-1 r = 17)
        assertEquals(Map.of("eval", 50L, "bounds", 5L, "kernel", 25L, "linearized", 250L),
                cellsPerMode(StudyConfigFile.read(dir.resolve("issue11-linearized.yaml"))));
        assertEquals(Map.of("eval", 40L, "bounds", 4L, "kernel", 20L, "linearized", 200L),
                cellsPerMode(StudyConfigFile.read(dir.resolve("issue11-linearized-encoders.yaml"))));
        // 5 tasks x 5 seeds x (6 ranks + full)
        assertEquals(Map.of("finetune", 175L), cellsPerMode(StudyConfigFile.read(dir.resolve("issue9-finetune.yaml"))));
        assertEquals(Map.of("finetune", 40L), cellsPerMode(StudyConfigFile.read(dir.resolve("issue9-finetune-encoders.yaml"))));
    }
}
