package io.lorank.encoder;

import io.lorank.model.Pooling;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * embed's two forward paths on the same ONNX checkpoint: ONNX Runtime (the default for ONNX files) and lorank's
 * libtorch encoder. Every embedding entry agrees within 1e-4 absolute (the golden tolerance), cosines within 1e-5;
 * mean pooling normalized on MiniLM, CLS unnormalized on BGE, with padding in the batch (texts of different lengths).
 */
class EmbedderPathsTest {
    static final List<String> TEXTS = List.of("A cat sits on the mat.", "A kitten is sitting on a rug.",
            "Stock markets fell sharply today after the announcement of new tariffs on imported steel.");

    /** One model, pooling and normalization. */
    record Case(String model, Pooling pooling, boolean normalize) {
    }

    @Test
    void ortAndTorchAgree() {
        // each embed loads its checkpoint (~3 s): two cases cover both poolings, both normalizations, two models
        for (Case c : List.of(new Case("all-minilm-l6-v2", Pooling.MEAN, true), new Case("bge-small-en-v1.5", Pooling.CLS, false))) {
            Embedder.Request req = new Embedder.Request(c.model(), null, c.pooling(), c.normalize(), 64, TEXTS);
            Embedder.Result ort = withForward("ort", req);
            Embedder.Result torch = withForward("torch", req);
            assertEquals("ONNX Runtime", ort.forwardPath());
            assertTrue(torch.forwardPath().startsWith("libtorch"), torch.forwardPath());
            double max = 0;
            for (int i = 0; i < TEXTS.size(); i++) {
                for (int j = 0; j < ort.dim(); j++) {
                    max = Math.max(max, Math.abs(ort.embeddings()[i][j] - torch.embeddings()[i][j]));
                }
            }
            assertTrue(max <= 1e-4, c + ": max |ORT − torch| = " + max);
            for (int i = 0; i < TEXTS.size(); i++) {
                for (int k = 0; k < TEXTS.size(); k++) {
                    assertEquals(torch.cosine()[i][k], ort.cosine()[i][k], 1e-5, c + ": cosine " + i + "," + k);
                }
            }
        }
    }

    private static Embedder.Result withForward(String path, Embedder.Request req) {
        String old = System.getProperty("lorank.forward");
        System.setProperty("lorank.forward", path);
        try {
            return Embedder.embed(req);
        } finally {
            if (old == null) {
                System.clearProperty("lorank.forward");
            } else {
                System.setProperty("lorank.forward", old);
            }
        }
    }
}
