package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lorank.LorankException;
import io.lorank.engine.Engines;
import io.lorank.model.Checkpoint;
import io.lorank.model.ModelRegistry;
import io.lorank.model.ModelSource;
import io.lorank.model.Pooling;
import io.lorank.text.TextTokenizer;
import io.lorank.text.TokenizerOptions;

import java.nio.file.Path;
import java.util.List;

/** Sentence embeddings: tokenize, one forward, pool, optionally L2-normalize, and the cosine matrix. */
public final class Embedder {
    private Embedder() {
    }

    /**
     * @param model     NAME_OR_PATH (see {@link ModelSource})
     * @param tokenizer tokenizer.json overriding the one found with the model; null for that one
     * @param pooling   null for the model's own (registry models) or MEAN
     * @param normalize divide each vector by its L2 norm
     * @param maxLength tokens per text, longer texts are truncated
     * @param texts     one or more texts
     */
    public record Request(String model, Path tokenizer, Pooling pooling, boolean normalize, int maxLength,
                          List<String> texts) {
        public Request {
            if (texts == null || texts.isEmpty()) {
                throw new LorankException("embed: give at least one TEXT");
            }
        }
    }

    /**
     * @param embeddings [N][dim] pooled vectors
     * @param cosine     [N][N] cosine similarities (computed in fp64)
     */
    public record Result(String model, int dim, Pooling pooling, boolean normalized, float[][] embeddings,
                         double[][] cosine) {
    }

    public static Result embed(Request r) {
        Pooling pooling = r.pooling() != null ? r.pooling()
                : ModelRegistry.find(r.model()).map(m -> m.pooling()).orElse(Pooling.MEAN);
        Checkpoint ckpt = ModelSource.load(r.model(), r.tokenizer());
        TokenizerOptions opts = TokenizerOptions.defaults().withMaxLength(
                Math.min(r.maxLength(), ckpt.config().maxPositionEmbeddings() - ckpt.config().positionOffset()));
        try (Encoder enc = Encoder.load(ckpt);
             TextTokenizer tk = TextTokenizer.load(ckpt.tokenizer(), opts);
             NDManager m = Engines.newManager()) {
            EncoderOutput out = enc.forward(EncoderInput.of(tk.encode(r.texts()), enc.config(), m));
            NDArray v = out.pooled(pooling);                                        // [N, d]
            if (r.normalize()) {
                v = v.div(v.norm(new int[] {1}, true).maximum(1e-12f));           // [N, d] / [N, 1]
            }
            int n = r.texts().size();
            int d = enc.config().hiddenSize();
            float[] flat = v.toFloatArray();
            float[][] e = new float[n][d];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * d, e[i], 0, d);
            }
            return new Result(ckpt.name(), d, pooling, r.normalize(), e, cosine(e));
        }
    }

    /** Cosine similarity matrix in fp64. */
    public static double[][] cosine(float[][] e) {
        int n = e.length;
        double[] norm = new double[n];
        for (int i = 0; i < n; i++) {
            norm[i] = Math.sqrt(dot(e[i], e[i]));
        }
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                c[i][j] = dot(e[i], e[j]) / Math.max(norm[i] * norm[j], 1e-300);
            }
        }
        return c;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += (double) a[k] * b[k];
        }
        return s;
    }
}
