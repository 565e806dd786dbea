package io.lorank.head;

import ai.djl.ndarray.types.DataType;
import io.lorank.LorankException;
import io.lorank.data.Example;
import io.lorank.data.Task;
import io.lorank.data.TaskKind;
import io.lorank.encoder.ReferenceBert;
import io.lorank.model.HiddenAct;
import io.lorank.model.HostTensor;
import io.lorank.model.TinyCheckpoint;
import io.lorank.model.Architecture;
import io.lorank.model.Dtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MLM prompt head on tiny random BERT and RoBERTa checkpoints: LM-BFF tokenization (ids written out by hand
 * from the tiny vocabularies), logits against {@link ReferenceBert} (plain-Java fp64 forward + MLM head) at the
 * mask position, gradients against central differences, and the user errors.
 */
class MlmPromptHeadTest {
    static final double TOL = 1e-4; // fp32 engine vs fp64 reference, MLM logits O(1..10), as in TinyEncoderTest

    @TempDir
    Path dir;

    /** Ids of space-separated vocabulary tokens. */
    private static long[] ids(Map<String, Integer> vocab, String tokens) {
        String[] t = tokens.split(" ");
        long[] out = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            Integer id = vocab.get(t[i]);
            if (id == null) {
                throw new IllegalArgumentException("not in the tiny vocabulary: " + t[i]);
            }
            out[i] = id;
        }
        return out;
    }

    private static void assertLogits(ReferenceBert ref, List<long[]> prompts, long maskId, long offset,
                                     long[] labelIds, double[][] actual, boolean roberta) {
        for (int i = 0; i < prompts.size(); i++) {
            long[] p = prompts.get(i);
            int maskAt = -1;
            for (int j = 0; j < p.length; j++) {
                maskAt = p[j] == maskId ? j : maskAt;
            }
            long[] pos = new long[p.length];
            for (int j = 0; j < p.length; j++) {
                pos[j] = offset + j;
            }
            double[][] h = ref.forward(p, new long[p.length], pos);
            double[][] v = roberta
                    ? ref.mlm(h, "lm_head", "lm_head.dense", "lm_head.layer_norm", HiddenAct.GELU)
                    : ref.mlm(h, "cls.predictions", "cls.predictions.transform.dense",
                    "cls.predictions.transform.LayerNorm", HiddenAct.GELU);
            for (int c = 0; c < labelIds.length; c++) {
                double want = v[maskAt][(int) labelIds[c]];
                assertEquals(want, actual[i][c], TOL, "example " + i + ", class " + c);
            }
        }
    }

    @Test
    void bertSingleAndPairPromptsMatchTheFp64Reference() {
        Map<String, HostTensor> w = TinyModels.bert(dir, 21, true);
        Map<String, Integer> v = TinyModels.bertVocab();
        ReferenceBert ref = new ReferenceBert(TinyModels.bertConfig(), w);
        try (Backbone bb = HeadTestSupport.backbone(dir, DataType.FLOAT32)) {
            Task task = HeadTestSupport.sentiment();
            MlmPromptHead head = new MlmPromptHead(bb, task);
            assertArrayEquals(ids(v, "bad great"), head.labelTokenIds(), "' bad', ' great' are single WordPieces");
            List<long[]> prompts = new ArrayList<>();
            for (String s : List.of("the film was good .", "a dog runs and the cat sleeps .",
                    "the plot was very dull and sad .", "fun")) {
                prompts.add(ids(v, "[CLS] " + s + " it was [MASK] . [SEP]"));
            }
            PromptTokens.Encoded e0 = head.encode(HeadTestSupport.sentences().get(0));
            assertArrayEquals(prompts.get(0), e0.ids(), "LM-BFF tokenization of prompt 0");
            assertEquals(8, e0.maskPosition());
            assertLogits(ref, prompts, v.get("[MASK]"), 0, head.labelTokenIds(), head.logits(HeadTestSupport.sentences()), false);

            Task nli = HeadTestSupport.nli();
            MlmPromptHead pairHead = new MlmPromptHead(bb, nli);
            assertArrayEquals(ids(v, "no yes maybe"), pairHead.labelTokenIds(), "BERT lower-cases 'Yes'");
            // *cls**sent-_0*?*mask*,*+sentl_1**sep+*: last char of s1 dropped, s2 lower-cased first letter
            List<long[]> pp = List.of(ids(v, "[CLS] the dog runs ? [MASK] , the cat sleeps . [SEP]"),
                    ids(v, "[CLS] a cat is not a dog ? [MASK] , it is a kind of animal . [SEP]"),
                    ids(v, "[CLS] this plant is good ? [MASK] , good [SEP]"));
            assertLogits(ref, pp, v.get("[MASK]"), 0, pairHead.labelTokenIds(), pairHead.logits(HeadTestSupport.pairs()), false);
        }
    }

    @Test
    void robertaUsesLeadingSpaceLabelTokensAndPositionOffsets() {
        Map<String, HostTensor> w = TinyModels.roberta(dir, 5);
        Map<String, Integer> v = TinyModels.robertaVocab();
        assertTrue(v.size() <= TinyModels.robertaConfig().vocabSize(), "vocab fits: " + v.size());
        ReferenceBert ref = new ReferenceBert(TinyModels.robertaConfig(), w);
        try (Backbone bb = HeadTestSupport.backbone(dir, DataType.FLOAT32)) {
            MlmPromptHead head = new MlmPromptHead(bb, HeadTestSupport.sentiment());
            assertArrayEquals(ids(v, "Ġbad Ġgreat"), head.labelTokenIds(), "LM-BFF: ' ' + word -> Ġword");
            List<Example> ex = HeadTestSupport.sentences();
            List<long[]> prompts = List.of(ids(v, "<s> the Ġfilm Ġwas Ġgood Ġ. Ġit Ġwas <mask> . </s>"),
                    ids(v, "<s> a Ġdog Ġruns Ġand Ġthe Ġcat Ġsleeps Ġ. Ġit Ġwas <mask> . </s>"),
                    ids(v, "<s> the Ġplot Ġwas Ġvery Ġdull Ġand Ġsad Ġ. Ġit Ġwas <mask> . </s>"),
                    ids(v, "<s> fun Ġit Ġwas <mask> . </s>"));
            for (int i = 0; i < ex.size(); i++) {
                assertArrayEquals(prompts.get(i), head.encode(ex.get(i)).ids(), "RoBERTa prompt " + i);
            }
            // RoBERTa positions start at pad + 1 = 2
            assertLogits(ref, prompts, v.get("<mask>"), 2, head.labelTokenIds(), head.logits(ex), true);
        }
    }

    @Test
    void logitsAreDifferentiableInTheEncoderWeights() {
        TinyModels.bert(dir, 8, true);
        try (Backbone bb = HeadTestSupport.backbone(dir, DataType.FLOAT64)) {
            MlmPromptHead head = new MlmPromptHead(bb, HeadTestSupport.nli());
            List<Example> batch = HeadTestSupport.pairs();
            for (String p : List.of("encoder.layer.0.attention.self.query.weight", "encoder.layer.1.output.dense.weight",
                    "cls.predictions.transform.dense.weight", "embeddings.LayerNorm.weight")) {
                HeadTestSupport.gradientCheck(bb.encoder(), p, m -> head.forward(batch, m), p.length());
            }
        }
    }

    @Test
    void userErrorsNameTheProblem() {
        // no MLM head weights
        var c = TinyCheckpoint.config(Architecture.BERT, HiddenAct.GELU);
        TinyCheckpoint.writeFolder(dir, c, TinyCheckpoint.random(c, 1, false, false).values(), Dtype.F32, "");
        io.lorank.util.AtomicFiles.writeString(dir.resolve("tokenizer.json"),
                io.lorank.util.Json.write(TinyModels.wordPiece(TinyModels.bertVocab())));
        try (Backbone bb = HeadTestSupport.backbone(dir, DataType.FLOAT32)) {
            LorankException e = assertThrows(LorankException.class,
                    () -> new MlmPromptHead(bb, HeadTestSupport.sentiment()));
            assertTrue(e.getMessage().contains("has no MLM head weights (cls.predictions.*); use --head embedding or "
                    + "probe"), e.getMessage());
        }
        // a label word that is two WordPieces in the tiny vocabulary ("sleepy" -> [UNK])
        TinyModels.bert(dir, 2, true);
        try (Backbone bb = HeadTestSupport.backbone(dir, DataType.FLOAT32)) {
            Task t = HeadTestSupport.task("tiny-multi", TaskKind.SINGLE, "*cls**sent_0*_it_was*mask*.*sep+*",
                    List.of("bad", "great."), List.of());
            LorankException e = assertThrows(LorankException.class, () -> new MlmPromptHead(bb, t));
            assertTrue(e.getMessage().startsWith("task tiny-multi: label word 'great.' is 2 tokens"), e.getMessage());
            assertTrue(e.getMessage().contains("single-token label words"), e.getMessage());
            // a template without *mask*: refused by the mlm head only; the embedding head scores it
            Task noMask = HeadTestSupport.task("tiny-nomask", TaskKind.SINGLE, "*cls**sent_0*.*sep+*",
                    List.of("bad", "great"), List.of("it was bad.", "it was great."));
            e = assertThrows(LorankException.class, () -> new MlmPromptHead(bb, noMask));
            assertTrue(e.getMessage().startsWith("task tiny-nomask: template '*cls**sent_0*.*sep+*' has no *mask*; the mlm head"),
                    e.getMessage());
            try (FeatureHead h = FeatureHead.embedding(bb, noMask, FeatureHead.DEFAULT_SCALE)) {
                double[][] logits = h.logits(List.of(new Example("x", "the film was great", null, 1)));
                assertEquals(2, logits[0].length);
                assertTrue(Double.isFinite(logits[0][0]) && Double.isFinite(logits[0][1]), "finite embedding-head logits");
            }
        }
    }
}
