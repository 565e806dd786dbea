package io.lorank.data;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordNetTasksTest {
    @Test
    void headWordRemoval() {
        assertEquals("a domesticated carnivore; often kept as pets",
                WordNetGlosses.removeHeadWords("a domesticated carnivore; often kept as pets", List.of("dog")));
        assertEquals("a member of the genus Canis", WordNetGlosses.removeHeadWords(
                "a member of the genus Canis (Dogs)", List.of("dog", "domestic_dog")).replace(" ()", ""));
        assertEquals("a large, e.g. a grey one",
                WordNetGlosses.removeHeadWords("a large Domestic Dog, e.g. a grey one", List.of("domestic_dog")));
        // whole words only: "catalogue" keeps its "cat"
        assertEquals("a catalogue of", WordNetGlosses.removeHeadWords("a catalogue of cats", List.of("cat")));
    }

    @Test
    void tasksAreCleanBalancedAndFixed() {
        Map<String, List<String>> lemmas = new HashMap<>();
        for (WordNetGlosses.Synset s : WordNetGlosses.nouns()) {
            lemmas.put("wn31:" + String.format("%08d", s.offset()), s.lemmas());
        }
        for (Task task : List.of(WordNetTasks.binary(), WordNetTasks.fiveWay())) {
            DataSource.Pool pool = ((DataSource.Builtin) task.source()).pool().get();
            int[] testCounts = FewShotSplit.classCounts(pool.test(), task.numClasses());
            int[] want = new int[task.numClasses()];
            java.util.Arrays.fill(want, WordNetTasks.TEST_PER_CLASS);
            assertArrayEquals(want, testCounts, task.name());
            Set<String> glosses = new HashSet<>();
            Set<String> ids = new HashSet<>();
            for (List<Example> part : List.of(pool.train(), pool.test())) {
                for (Example e : part) {
                    assertFalse(WordNetGlosses.headWordPattern(lemmas.get(e.id())).matcher(e.text()).find(),
                            e.id() + " leaks a head word " + lemmas.get(e.id()) + ": " + e.text());
                    assertTrue(glosses.add(e.text().toLowerCase(Locale.ROOT)), "duplicate gloss " + e.text());
                    assertTrue(ids.add(e.id()), "train/test overlap " + e.id());
                    assertTrue(e.text().split(" ").length >= 3, e.text());
                }
            }
            int[] poolCounts = FewShotSplit.classCounts(pool.train(), task.numClasses());
            for (int c : poolCounts) {
                assertTrue(c > 300, task.name() + " pool per class " + java.util.Arrays.toString(poolCounts));
            }
            FewShotSplit a = SplitLoader.load(task, null, new SplitLoader.Request(16, 13, false));
            FewShotSplit b = SplitLoader.load(task, null, new SplitLoader.Request(16, 13, false));
            assertEquals(a, b);
            assertArrayEquals(java.util.Arrays.stream(want).map(x -> 16).toArray(),
                    FewShotSplit.classCounts(a.train(), task.numClasses()));
        }
    }
}
