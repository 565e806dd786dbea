package io.lorank.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.lorank.LorankException;
import io.lorank.data.DataSource;
import io.lorank.data.Example;
import io.lorank.data.Task;
import io.lorank.data.TaskKind;
import io.lorank.data.TaskMetric;
import io.lorank.encoder.Encoder;
import io.lorank.head.Backbone;
import io.lorank.head.FeatureHead;
import io.lorank.head.TinyModels;
import io.lorank.lora.LoraConfig;
import io.lorank.lora.LoraModel;
import io.lorank.model.Checkpoint;
import io.lorank.model.ModelSource;
import io.lorank.model.Pooling;
import io.lorank.text.LabelVerbalizer;
import io.lorank.text.PromptTemplate;
import io.lorank.text.TextTokenizer;
import io.lorank.text.TokenizerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer on a tiny random BERT with LoRA and the embedding head: learning, determinism, the NaN guard, schedule. */
class TrainerTest {
    @TempDir
    Path dir;

    static final Task TASK = new Task("tiny-sentiment", TaskKind.SINGLE, List.of("0", "1"),
            PromptTemplate.parse("*cls**sent_0*_it_was*mask*.*sep+*"),
            new LabelVerbalizer(List.of("bad", "great"), List.of("it was bad.", "it was great.")),
            TaskMetric.ACCURACY, new DataSource.Builtin(() -> new DataSource.Pool(List.of(), List.of(), "none")));

    static final List<Example> TRAIN = List.of(new Example("t0", "the film was good .", null, 1),
            new Example("t1", "the plot was very dull and sad .", null, 0),
            new Example("t2", "it is great fun .", null, 1),
            new Example("t3", "a terrible and bad film .", null, 0),
            new Example("t4", "very good , not dull .", null, 1),
            new Example("t5", "sad and dull .", null, 0));

    private Backbone backbone(Path folder) {
        TinyModels.bert(folder, 3, false);
        Checkpoint ck = ModelSource.loadHfFolder(folder, null);
        TextTokenizer tk = TextTokenizer.load(ck.tokenizer(), TokenizerOptions.defaults().withMaxLength(38));
        return new Backbone(Encoder.load(ck, DataType.FLOAT32), tk, Pooling.MEAN);
    }

    private TrainResult run(Backbone bb, TrainConfig cfg, boolean poison) {
        try (FeatureHead head = FeatureHead.embedding(bb, TASK, 20);
             LoraModel lm = LoraModel.inject(bb.encoder(), LoraConfig.defaults().withRank(2).withDropout(0.1), 7)) {
            if (poison) {
                NDArray b = lm.adapters().values().iterator().next().b();
                float[] nan = new float[(int) b.size()];
                Arrays.fill(nan, Float.NaN);
                b.set(FloatBuffer.wrap(nan));
            }
            return Trainer.train(head, lm.trainable(), lm::setTraining, TRAIN, TRAIN, cfg, true);
        }
    }

    @Test
    void sameSeedGivesBitIdenticalLossesAndTheLossFalls() {
        try (Backbone bb = backbone(dir.resolve("m"))) {
            TrainConfig cfg = new TrainConfig(1e-2, 0.01, 0.1, 30, 4, 1.0, 10, 0, 42);
            TrainResult a = run(bb, cfg, false);
            TrainResult b = run(bb, cfg, false);
            assertEquals(a.losses(), b.losses(), "a repeated run with the same seed must be bit-identical");
            assertEquals(30, a.losses().size());
            TrainResult c = run(bb, cfg.withSeed(43), false);
            assertTrue(!a.losses().equals(c.losses()), "another seed draws other batches and dropout masks");
            double first = (a.losses().get(0) + a.losses().get(1) + a.losses().get(2)) / 3;
            double last = (a.losses().get(27) + a.losses().get(28) + a.losses().get(29)) / 3;
            assertTrue(last < 0.8 * first, "training must lower the loss: first 3 steps " + first + ", last 3 " + last);
            assertEquals(3, a.dev().size(), "dev after steps 10, 20, 30");
        }
    }

    @Test
    void aNonFiniteLossStopsWithTheStep() {
        try (Backbone bb = backbone(dir.resolve("m"))) {
            LorankException e = assertThrows(LorankException.class,
                    () -> run(bb, TrainConfig.defaults().withSteps(5), true));
            assertEquals("finetune: the loss is NaN at step 1 (last finite loss none: the first step); no adapter "
                    + "written; lower --lr or check the inputs", e.getMessage());
        }
    }

    @Test
    void scheduleWarmsUpLinearlyThenDecaysToZero() {
        TrainConfig c = new TrainConfig(1.0, 0, 0.1, 100, 8, 1, 10, 0, 1);
        assertEquals(0.1, c.lrAt(1), 1e-15);
        assertEquals(1.0, c.lrAt(10), 1e-15);
        assertEquals(1.0, c.lrAt(11), 1e-15);
        assertEquals(1.0 / 90, c.lrAt(100), 1e-15);
        LorankException e = assertThrows(LorankException.class, () -> TrainConfig.defaults().withSteps(0));
        assertTrue(e.getMessage().startsWith("--steps: 0 is not allowed"));
    }
}
