package io.lorank.data;

import io.lorank.text.SpecialTokens;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads LM-BFF's published k-shot folders in ../shared/data (skipped when absent). */
@Tag("shared")
class SharedDataTest {
    /** task -> {train, dev, test} rows of k-shot/<task>/16-<seed>/ (PROVENANCE.md); -1: no test file. */
    private static final Map<String, int[]> COUNTS = Map.ofEntries(
            Map.entry("SST-2", new int[]{32, 32, 872}), Map.entry("sst-5", new int[]{80, 80, 2210}),
            Map.entry("mr", new int[]{32, 32, 2000}), Map.entry("cr", new int[]{32, 32, 2000}),
            Map.entry("mpqa", new int[]{32, 32, 2000}), Map.entry("subj", new int[]{32, 32, 2000}),
            Map.entry("trec", new int[]{96, 96, 500}), Map.entry("CoLA", new int[]{32, 32, 1043}),
            Map.entry("MNLI", new int[]{48, 48, 9815}), Map.entry("SNLI", new int[]{48, 48, 9842}),
            Map.entry("QNLI", new int[]{32, 32, 5463}), Map.entry("RTE", new int[]{32, 32, 277}),
            Map.entry("MRPC", new int[]{32, 32, 408}), Map.entry("QQP", new int[]{32, 32, 0}));

    @Test
    void kShotCountsForEverySeed() {
        Path data = SharedData.require();
        for (Map.Entry<String, int[]> e : COUNTS.entrySet()) {
            Task t = TaskRegistry.get(e.getKey());
            for (int seed : FewShotSampler.DEFAULT_SEEDS) {
                FewShotSplit s = SplitLoader.load(t, data, new SplitLoader.Request(16, seed, false));
                String at = e.getKey() + " seed " + seed;
                assertTrue(s.source().contains("LM-BFF published"), at + ": " + s.source());
                assertEquals(e.getValue()[0], s.train().size(), at + " train");
                assertEquals(e.getValue()[1], s.dev().size(), at + " dev");
                assertEquals(e.getValue()[2], s.test().size(), at + " test");
                int[] per = new int[t.numClasses()];
                java.util.Arrays.fill(per, 16);
                assertArrayEquals(per, FewShotSplit.classCounts(s.train(), t.numClasses()), at + " per class");
                assertArrayEquals(per, FewShotSplit.classCounts(s.dev(), t.numClasses()), at + " dev per class");
            }
        }
        FewShotSplit qqp = SplitLoader.load(TaskRegistry.get("QQP"), data, new SplitLoader.Request(16, 13, false));
        assertNotNull(qqp.testNote());
        assertTrue(qqp.testNote().contains("NO test set"), qqp.testNote());
    }

    @Test
    void capsTestAt1000() {
        Path data = SharedData.require();
        FewShotSplit s = SplitLoader.load(TaskRegistry.get("QNLI"), data, new SplitLoader.Request(16, 21, true));
        assertEquals(1000, s.test().size());
        assertEquals(872, SplitLoader.load(TaskRegistry.get("SST-2"), data,
                new SplitLoader.Request(16, 21, true)).test().size());
    }

    /** Our sampler on LM-BFF's own full training files reproduces its published k-shot train and dev row for row. */
    @Test
    void samplerReproducesPublishedSplits() {
        Path data = SharedData.require();
        for (String name : List.of("trec", "sst-5", "SST-2", "RTE", "MRPC", "CoLA")) {
            Task t = TaskRegistry.get(name);
            DataSource.LmBff lm = (DataSource.LmBff) t.source();
            List<Example> pool = ExampleReader.read(data.resolve(lm.fullTrain().path()), lm.fullTrain().layout(),
                    t.labels());
            for (int seed : FewShotSampler.DEFAULT_SEEDS) {
                List<Integer> earlier = lm.headerless() ? FewShotSampler.lmBffEarlierSeeds(seed) : List.of();
                List<List<Example>> ours = FewShotSampler.sample(pool, t.numClasses(), 16, seed, earlier, name);
                FewShotSplit published = SplitLoader.load(t, data, new SplitLoader.Request(16, seed, false));
                assertEquals(texts(published.train()), texts(ours.get(0)), name + " seed " + seed + " train");
                assertEquals(texts(published.dev()), texts(ours.get(1)), name + " seed " + seed + " dev");
            }
        }
    }

    /** Our readers pick the same texts as LM-BFF's processors (goldens made by make_goldens.py). */
    @Test
    void readersMatchTemplateGoldens() throws Exception {
        Path data = SharedData.require();
        var golden = io.lorank.util.Json.MAPPER.readTree(
                SharedDataTest.class.getResourceAsStream("/templates/golden.json"));
        for (var g : golden) {
            Task t = TaskRegistry.get(g.get("task").asText());
            Example first = SplitLoader.load(t, data, new SplitLoader.Request(16, 13, false)).train().get(0);
            List<String> texts = new ArrayList<>();
            g.get("texts").forEach(x -> texts.add(x.asText()));
            assertEquals(texts, first.texts(), t.name());
            assertEquals(g.get("bert").asText(), t.template().render(first.texts(), SpecialTokens.bert()), t.name());
        }
    }

    private static List<String> texts(List<Example> ex) {
        List<String> out = new ArrayList<>();
        for (Example e : ex) {
            out.add(e.label() + "|" + e.text() + "|" + e.textPair());
        }
        return out;
    }
}
