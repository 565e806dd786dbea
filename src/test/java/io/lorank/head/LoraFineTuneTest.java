package io.lorank.head;

import ai.djl.ndarray.types.DataType;
import io.lorank.data.Example;
import io.lorank.finetune.ClassifierObjective;
import io.lorank.finetune.TrainResult;
import io.lorank.finetune.Trainer;
import io.lorank.finetune.TrainerConfig;
import io.lorank.lora.LoraConfig;
import io.lorank.lora.LoraModel;
import io.lorank.lora.PeftAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoRA fine-tuning through the fixed MLM prompt head of a tiny BERT: the loss falls and the saved adapter reloads. */
class LoraFineTuneTest {
    @TempDir
    Path dir;

    @Test
    void loraThroughThePromptHeadLearnsAndTheAdapterReloads() {
        TinyModels.bert(dir.resolve("model"), 8, true);
        List<Example> train = HeadTestSupport.sentences();
        double[][] trained;
        try (Backbone bb = HeadTestSupport.backbone(dir.resolve("model"), DataType.FLOAT32)) {
            MlmPromptHead head = new MlmPromptHead(bb, HeadTestSupport.sentiment());
            ClassifierObjective obj = new ClassifierObjective(head, train);
            try (LoraModel lm = LoraModel.inject(bb.encoder(), LoraConfig.defaults(4), 1)) {
                double before;
                try (ai.djl.ndarray.NDManager m = io.lorank.engine.Engines.newManager()) {
                    before = obj.loss(new int[] {0, 1, 2, 3}, m).getFloat();
                }
                TrainResult r = Trainer.train(lm.trainable(), obj, () -> ClassifierObjective.accuracy(head, train),
                        new TrainerConfig(30, 4, 2e-2, 0, 0.1, 1.0, 10, 0, 13));
                double after = r.losses()[r.losses().length - 1];
                assertTrue(after < 0.5 * before, "cross-entropy " + before + " → " + after + " must halve");
                assertEquals(3, r.devCurve().size());
                trained = head.logits(train);
                PeftAdapter.save(dir.resolve("adapter"), lm, java.util.Map.of(), "FEATURE_EXTRACTION");
            }
        }
        try (Backbone bb = HeadTestSupport.backbone(dir.resolve("model"), DataType.FLOAT32);
             LoraModel lm = PeftAdapter.read(dir.resolve("adapter"), bb.encoder()).attach(bb.encoder())) {
            MlmPromptHead head = new MlmPromptHead(bb, HeadTestSupport.sentiment());
            double[][] again = head.logits(train);
            for (int i = 0; i < again.length; i++) {
                assertArrayEquals(trained[i], again[i], 0.0, "reloaded adapter, example " + i);
            }
        }
    }
}
