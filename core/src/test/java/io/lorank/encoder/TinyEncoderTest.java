package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.lorank.engine.Engines;
import io.lorank.model.Architecture;
import io.lorank.model.Checkpoint;
import io.lorank.model.Dtype;
import io.lorank.model.EncoderConfig;
import io.lorank.model.HiddenAct;
import io.lorank.model.HostTensor;
import io.lorank.model.ModelSource;
import io.lorank.model.TinyCheckpoint;
import io.lorank.text.TokenBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tiny random RoBERTa (tanh-GELU, tied MLM head, no token types), BERT (exact GELU, pooler, token types, MLM head)
 * and BERT (ReLU) checkpoints
 * written as HF folders, run through lorank's DJL encoder and compared with {@link ReferenceBert} (plain Java fp64),
 * plus invariances: padding (right or left) does not change the real tokens' outputs.
 */
class TinyEncoderTest {
    static final double TOL = 1e-5; // fp32 engine vs fp64 reference, values O(1)

    @TempDir
    Path dir;

    @Test
    void robertaMatchesReferenceWithPositionOffsetsAndPaddingInvariance() {
        EncoderConfig c = TinyCheckpoint.config(Architecture.ROBERTA, HiddenAct.GELU_TANH);
        Map<String, HostTensor> w = TinyCheckpoint.random(c, 7, false, true);
        TinyCheckpoint.writeFolder(dir, c, w.values(), Dtype.F32, "roberta.");
        Checkpoint ckpt = ModelSource.load(dir.toString());
        ReferenceBert ref = new ReferenceBert(c, w);
        long pad = c.padTokenId();
        long[][] rows = {{0, 5, 9, 13, 2}, {0, 7, 2}, {0, 11, 12, 14, 15, 16, 17, 2}};
        try (Encoder enc = Encoder.load(ckpt); NDManager m = Engines.newManager()) {
            // right padding
            TokenBatch right = batch(rows, pad, false);
            EncoderInput in = EncoderInput.of(right, c, m);
            assertArrayEquals(new long[] {2, 3, 4, 5, 6, 1, 1, 1}, in.positions().get(0).toLongArray(),
                    "RoBERTa positions start at pad+1 and padding gets pad");
            EncoderOutput out = enc.forward(in);
            // left padding: HF counts non-pad tokens, so the real tokens keep positions 2, 3, ...
            TokenBatch left = batch(rows, pad, true);
            EncoderInput inLeft = EncoderInput.of(left, c, m);
            assertArrayEquals(new long[] {1, 1, 1, 2, 3, 4, 5, 6}, inLeft.positions().get(0).toLongArray());
            EncoderOutput outLeft = enc.forward(inLeft);
            for (int i = 0; i < rows.length; i++) {
                int t = rows[i].length;
                long[] pos = new long[t];
                for (int j = 0; j < t; j++) {
                    pos[j] = pad + 1 + j;
                }
                double[][] h = ref.forward(rows[i], new long[t], pos);
                int shift = right.length() - t;
                assertClose(h, out.last().get(new NDIndex("{}, 0:{}, :", i, t)), "right-padded row " + i);
                assertClose(h, outLeft.last().get(new NDIndex("{}, {}:, :", i, shift)), "left-padded row " + i);
                // alone, unpadded
                EncoderOutput alone = enc.forward(EncoderInput.of(batch(new long[][] {rows[i]}, pad, false), c, m));
                assertClose(h, alone.last().get(0), "row " + i + " alone");
                // MLM head (decoder tied to the word embeddings)
                // HF RobertaLMHead always uses exact GELU, whatever hidden_act says
                double[][] logits = ref.mlm(h, "lm_head", "lm_head.dense", "lm_head.layer_norm", HiddenAct.GELU);
                NDArray ours = enc.mlmLogits(alone.last().get(0));
                assertClose(logits, ours, "MLM logits row " + i, 1e-4);
            }
        }
    }

    @Test
    void bertReluMatchesReference() {
        bertWithTokenTypesAndPoolerMatchesReference(HiddenAct.RELU);
    }

    @Test
    void bertExactGeluWithMlmHeadMatchesReference() {
        bertWithTokenTypesAndPoolerMatchesReference(HiddenAct.GELU);
    }

    void bertWithTokenTypesAndPoolerMatchesReference(HiddenAct act) {
        EncoderConfig c = TinyCheckpoint.config(Architecture.BERT, act);
        Map<String, HostTensor> w = TinyCheckpoint.random(c, 11, true, true);
        TinyCheckpoint.writeFolder(dir, c, w.values(), Dtype.F32, "bert.");
        ReferenceBert ref = new ReferenceBert(c, w);
        long[] ids = {1, 20, 21, 22, 3, 30, 31, 3};
        long[] types = {0, 0, 0, 0, 0, 1, 1, 1};
        long[] pos = {0, 1, 2, 3, 4, 5, 6, 7};
        double[][] h = ref.forward(ids, types, pos);
        try (Encoder enc = Encoder.load(ModelSource.load(dir.toString())); NDManager m = Engines.newManager()) {
            TokenBatch b = new TokenBatch(1, 8, ids, new long[] {1, 1, 1, 1, 1, 1, 1, 1}, types, new int[] {8});
            EncoderOutput out = enc.forward(EncoderInput.of(b, c, m));
            assertClose(h, out.last().get(0), "BERT last hidden");
            assertTrue(out.pooler() != null && out.hiddenStates().size() == c.numLayers() + 1);
            // pooler = tanh(W h_cls + b)
            HostTensor pw = w.get("pooler.dense.weight");
            double[][] pooled = new double[1][16];
            for (int o = 0; o < 16; o++) {
                double s = w.get("pooler.dense.bias").data()[o];
                for (int e = 0; e < 16; e++) {
                    s += pw.data()[o * 16 + e] * h[0][e];
                }
                pooled[0][o] = Math.tanh(s);
            }
            assertClose(pooled, out.pooler(), "pooler");
            double[][] logits = ref.mlm(h, "cls.predictions", "cls.predictions.transform.dense",
                    "cls.predictions.transform.LayerNorm", act);
            assertClose(logits, enc.mlmLogits(out.last().get(0)), "BERT MLM logits", 1e-4);
        }
    }

    static TokenBatch batch(long[][] rows, long pad, boolean leftPad) {
        int t = 0;
        for (long[] r : rows) {
            t = Math.max(t, r.length);
        }
        long[] ids = new long[rows.length * t];
        long[] mask = new long[rows.length * t];
        int[] lengths = new int[rows.length];
        java.util.Arrays.fill(ids, pad);
        for (int i = 0; i < rows.length; i++) {
            int off = leftPad ? t - rows[i].length : 0;
            for (int j = 0; j < rows[i].length; j++) {
                ids[i * t + off + j] = rows[i][j];
                mask[i * t + off + j] = 1;
            }
            lengths[i] = rows[i].length;
        }
        return new TokenBatch(rows.length, t, ids, mask, new long[rows.length * t], lengths);
    }

    static void assertClose(double[][] expected, NDArray actual, String what) {
        assertClose(expected, actual, what, TOL);
    }

    static void assertClose(double[][] expected, NDArray actual, String what, double tol) {
        float[] a = actual.toFloatArray();
        int cols = expected[0].length;
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int k = 0; k < cols; k++) {
                max = Math.max(max, Math.abs(expected[i][k] - a[i * cols + k]));
            }
        }
        assertTrue(a.length == expected.length * cols, what + ": size " + a.length);
        assertTrue(max <= tol, what + ": max |Δ| " + max + " > " + tol);
    }
}
