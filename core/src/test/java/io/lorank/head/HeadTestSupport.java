package io.lorank.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.lorank.data.DataSource;
import io.lorank.data.Example;
import io.lorank.data.Task;
import io.lorank.data.TaskKind;
import io.lorank.data.TaskMetric;
import io.lorank.encoder.Encoder;
import io.lorank.engine.Engines;
import io.lorank.model.ModelSource;
import io.lorank.model.Pooling;
import io.lorank.text.LabelVerbalizer;
import io.lorank.text.PromptTemplate;
import io.lorank.text.TextTokenizer;
import io.lorank.text.TokenizerOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tasks over the tiny vocabularies, and a finite-difference check of a head's logits. */
public final class HeadTestSupport {
    private HeadTestSupport() {
    }

    public static Task task(String name, TaskKind kind, String template, List<String> words, List<String> desc) {
        List<String> labels = words.size() == 2 ? List.of("0", "1") : List.of("0", "1", "2");
        return new Task(name, kind, labels, PromptTemplate.parse(template), new LabelVerbalizer(words, desc),
                TaskMetric.ACCURACY, new DataSource.Builtin(() -> new DataSource.Pool(List.of(), List.of(), "none")));
    }

    public static Task sentiment() {
        return task("tiny-sentiment", TaskKind.SINGLE, "*cls**sent_0*_it_was*mask*.*sep+*", List.of("bad", "great"),
                List.of("it was bad.", "it was great."));
    }

    public static Task nli() {
        return task("tiny-nli", TaskKind.PAIR, "*cls**sent-_0*?*mask*,*+sentl_1**sep+*", List.of("No", "Yes", "Maybe"),
                List.of("no, the cat sleeps.", "yes, the dog runs.", "maybe, the film is fun."));
    }

    static List<Example> sentences() {
        return List.of(new Example("s0", "the film was good .", null, 1),
                new Example("s1", "a dog runs and the cat sleeps .", null, 0),
                new Example("s2", "the plot was very dull and sad .", null, 0),
                new Example("s3", "fun", null, 1));
    }

    static List<Example> pairs() {
        return List.of(new Example("p0", "the dog runs .", "The cat sleeps .", 0),
                new Example("p1", "a cat is not a dog ?", "It is a kind of animal .", 2),
                new Example("p2", "this plant is good .", "Good", 1));
    }

    /** The folder loaded with parameters of {@code type}. */
    static Backbone backbone(Path dir, DataType type) {
        var ck = ModelSource.loadHfFolder(dir, null);
        TextTokenizer tk = TextTokenizer.load(ck.tokenizer(), TokenizerOptions.defaults().withMaxLength(38));
        return new Backbone(Encoder.load(ck, type), tk, Pooling.MEAN);
    }

    /**
     * Autograd vs central differences (fp64) of L = Σ_{i,c} r_ic z_ic for 6 random entries of {@code param};
     * relative error over a 1e-8 floor must be ≤ 1e-6 (fp64 rounding ~1e-16/h ≈ 1e-11, truncation O(h²) ≈ 1e-10).
     */
    static void gradientCheck(Encoder enc, String param, Function<NDManager, NDArray> logits, long seed) {
        enc.setTrainable(n -> n.equals(param));
        try (NDManager m = Engines.newManager()) {
            enc.zeroGradients();
            NDArray z0 = logits.apply(m);
            Random rnd = new Random(seed);
            double[] r = new double[(int) z0.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = rnd.nextGaussian();
            }
            NDArray rr = m.create(r, z0.getShape());
            Function<NDManager, Double> loss = mm -> logits.apply(mm).mul(rr).sum().getDouble();
            try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                gc.backward(logits.apply(m).mul(rr).sum());
            }
            NDArray w = enc.parameter(param);
            double[] g = w.getGradient().toDoubleArray();
            long cols = w.getShape().dimension() == 2 ? w.getShape().get(1) : 1;
            double h = 1e-5;
            int nonzero = 0;
            for (int s = 0; s < 6; s++) {
                int flat = rnd.nextInt((int) w.size());
                boolean vector = w.getShape().dimension() == 1;
                NDIndex at = vector ? new NDIndex(flat) : new NDIndex(flat / cols, flat % cols);
                double w0 = vector ? w.getDouble(flat) : w.getDouble(flat / cols, flat % cols);
                w.set(at, w0 + h);
                double plus = loss.apply(m);
                w.set(at, w0 - h);
                double minus = loss.apply(m);
                w.set(at, w0);
                double fd = (plus - minus) / (2 * h);
                double rel = Math.abs(g[flat] - fd) / Math.max(Math.max(Math.abs(g[flat]), Math.abs(fd)), 1e-8);
                nonzero += Math.abs(fd) > 1e-8 ? 1 : 0;
                assertTrue(rel <= 1e-6, param + "[" + flat + "]: autograd " + g[flat] + " vs central difference "
                        + fd + " (relative error " + rel + " > 1e-6)");
            }
            assertTrue(nonzero >= 3, param + ": only " + nonzero + " of 6 sampled entries move the logits");
        } finally {
            enc.setTrainable(n -> false);
        }
    }
}
