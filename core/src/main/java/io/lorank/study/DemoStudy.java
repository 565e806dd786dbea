package io.lorank.study;

import io.lorank.LorankException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The fixed grid of {@code lorank demo}, read from the embedded {@value #RESOURCE}: the default model on the two
 * built-in WordNet tasks, 16-shot, LM-BFF's five seeds; the heads at W0, both papers' thresholds, linearized LoRA at
 * ranks 1, 2, 4, 8 and the paper-1 threshold (convex optimum, certificates, minimal certified rank) and a short real
 * LoRA fine-tune at r = 1 and 8. The budgets in that file are chosen so that the whole demo (build included, after
 * the first dependency download) stays within 10 minutes on 2 cores; retune them there (RESULTS.md, "Demo study").
 */
public final class DemoStudy {
    public static final String RESOURCE = "io/lorank/study/demo.yaml";
    public static final List<String> TASKS = List.of("wordnet-binary", "wordnet-5way");

    private DemoStudy() {
    }

    public static StudyConfig config() {
        return StudyConfigFile.parse(Path.of(RESOURCE), yaml());
    }

    /** The embedded grid as YAML text (also a starting point for a user's own {@code --config}). */
    public static String yaml() {
        try (InputStream in = DemoStudy.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new LorankException(RESOURCE + ": missing from the lorank jar; rebuild lorank (mvn package)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LorankException(RESOURCE + ": cannot read from the lorank jar (" + e.getMessage() + ")");
        }
    }
}
