package io.lorank.data;

import io.lorank.text.LabelVerbalizer;
import io.lorank.text.PromptTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Two demo tasks embedded in the build (no download): classify a WordNet 3.1 noun gloss by its supersense
 * (lexicographer file). Each gloss is the definition part, with the synset's own head words (all lemmas, whole
 * word, case-insensitive, multiword lemmas with spaces, plural s/es) removed so the label is not leaked; glosses
 * shorter than 3 words after that are dropped, and duplicate glosses are kept once (dropped entirely when the
 * copies carry different labels). A fixed test set of {@value #TEST_PER_CLASS} per class (NumPy-MT19937 shuffle,
 * seed {@value #TEST_SEED}, of the glosses in file order) is held out; the rest is the pool k-shot splits are
 * drawn from.
 *
 * <p><b>wordnet-binary: noun.cognition vs noun.communication.</b> Both are abstract nouns (ideas, beliefs, fields
 * of study vs messages, statements, writings) whose glosses share vocabulary ("a theory", "the study of",
 * "a statement of"), so they are not trivially separable: a multinomial naive Bayes on word counts reached
 * 62.3 % with 16 per class (mean of 5 draws) and 88.8 % with 2,000 per class (500 test per class each); the
 * obvious pair noun.animal vs noun.plant gave 95.0 % with 2,000. <b>wordnet-5way: animal, plant, artifact, food,
 * person</b>: concrete supersenses, an easier multi-class demo (same baseline: 58.9 % at 16 per class, 90.2 % at
 * 2,000). These figures come from {@code src/test/resources/wordnet/bow_baseline.py} (run once during development,
 * not by the tests; its cleaning removes head words but skips the plural and de-duplication steps used here).
 */
public final class WordNetTasks {
    public static final int TEST_PER_CLASS = 500;
    public static final int TEST_SEED = 2024;
    static final String TEMPLATE = "*cls**mask*:*+sent_0**sep+*";
    private static final Map<String, DataSource.Pool> CACHE = new ConcurrentHashMap<>();

    private WordNetTasks() {
    }

    public static Task binary() {
        List<String> labels = List.of("noun.cognition", "noun.communication");
        return task("wordnet-binary", labels, List.of("Thought", "Language"),
                List.of("This is about knowledge, thought or a mental process.",
                        "This is about communication, language or a message."));
    }

    public static Task fiveWay() {
        List<String> labels = List.of("noun.animal", "noun.plant", "noun.artifact", "noun.food", "noun.person");
        return task("wordnet-5way", labels, List.of("Animal", "Plant", "Object", "Food", "Person"),
                List.of("This is a kind of animal.", "This is a kind of plant.", "This is a man-made object.",
                        "This is a kind of food or drink.", "This is a kind of person."));
    }

    private static Task task(String name, List<String> labels, List<String> words, List<String> desc) {
        Supplier<DataSource.Pool> pool = () -> CACHE.computeIfAbsent(name, n -> build(labels));
        return new Task(name, TaskKind.SINGLE, labels, PromptTemplate.parse(TEMPLATE),
                new LabelVerbalizer(words, desc), TaskMetric.ACCURACY, new DataSource.Builtin(pool));
    }

    /** Builds the cleaned, de-duplicated pool and fixed test set for the given supersenses. */
    static DataSource.Pool build(List<String> labels) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
        Map<String, Example> byGloss = new LinkedHashMap<>();
        Map<String, Boolean> conflict = new HashMap<>();
        for (WordNetGlosses.Synset s : WordNetGlosses.nouns()) {
            Integer label = index.get(s.supersense());
            if (label == null) {
                continue;
            }
            String gloss = WordNetGlosses.removeHeadWords(s.definition(), s.lemmas());
            if (gloss.split(" ").length < 3) {
                continue;
            }
            String key = gloss.toLowerCase(Locale.ROOT);
            Example prev = byGloss.get(key);
            if (prev == null) {
                byGloss.put(key, new Example("wn31:" + String.format("%08d", s.offset()), gloss, null, label));
            } else if (prev.label() != label) {
                conflict.put(key, true);
            }
        }
        List<List<Example>> perClass = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            perClass.add(new ArrayList<>());
        }
        for (Map.Entry<String, Example> e : byGloss.entrySet()) {
            if (!conflict.containsKey(e.getKey())) {
                perClass.get(e.getValue().label()).add(e.getValue());
            }
        }
        List<Example> train = new ArrayList<>();
        List<Example> test = new ArrayList<>();
        for (List<Example> cls : perClass) {
            NumpyShuffle.shuffle(cls, TEST_SEED);
            test.addAll(cls.subList(0, TEST_PER_CLASS));
            train.addAll(cls.subList(TEST_PER_CLASS, cls.size()));
        }
        return new DataSource.Pool(train, test, "WordNet 3.1 noun glosses (" + String.join(", ", labels) + ")");
    }
}
