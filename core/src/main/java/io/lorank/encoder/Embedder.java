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

/**
 * Sentence embeddings: tokenize, one forward, pool, optionally L2-normalize, and the cosine matrix. The forward runs
 * on ONNX Runtime when the checkpoint is an ONNX file (faster for inference, {@link OrtForward}) and on lorank's
 * libtorch encoder otherwise; the two agree to the golden tolerance (EmbedderPathsTest).
 */
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
                         double[][] cosine, String forwardPath) {
    }

    /** Which forward runs: ORT when the checkpoint is an ONNX file (unless {@code -Dlorank.forward=torch}), else libtorch. */
    public enum ForwardPath { ORT, TORCH }

    public static Result embed(Request r) {
        Pooling pooling = r.pooling() != null ? r.pooling()
                : ModelRegistry.find(r.model()).map(m -> m.pooling()).orElse(Pooling.MEAN);
        Checkpoint ckpt = ModelSource.load(r.model(), r.tokenizer());
        TokenizerOptions opts = TokenizerOptions.defaults().withMaxLength(
                Math.min(r.maxLength(), ckpt.config().maxPositionEmbeddings() - ckpt.config().positionOffset()));
        byte[] onnx = onnxBytes(r.model());
        if (onnx != null && choose() == ForwardPath.ORT) {
            try (OrtForward ort = new OrtForward(onnx, ckpt.weightsFile());
                 TextTokenizer tk = TextTokenizer.load(ckpt.tokenizer(), opts)) {
                var batch = tk.encode(r.texts());
                int d = ckpt.config().hiddenSize();
                float[][] e = OrtForward.pool(ort.lastHidden(batch, d), batch, d, pooling);
                if (r.normalize()) {
                    for (float[] v : e) {
                        double nrm = Math.max(Math.sqrt(dot(v, v)), 1e-12);
                        for (int j = 0; j < v.length; j++) {
                            v[j] = (float) (v[j] / nrm);
                        }
                    }
                }
                return new Result(ckpt.name(), d, pooling, r.normalize(), e, cosine(e), "ONNX Runtime");
            }
        }
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
            return new Result(ckpt.name(), d, pooling, r.normalize(), e, cosine(e), "libtorch (" + Engines.gemmPath() + ")");
        }
    }

    /** The forward path for gradient-free encodings: system property {@code lorank.forward} (auto | torch | ort), default ORT. */
    public static ForwardPath choose() {
        String v = System.getProperty("lorank.forward", "auto").toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "auto", "ort" -> ForwardPath.ORT;
            case "torch" -> ForwardPath.TORCH;
            default -> throw new LorankException("system property lorank.forward is '" + v + "'; expected auto, ort or torch");
        };
    }

    /** The ONNX file behind a model name or path, or null when it is not one (an HF folder). */
    static byte[] onnxBytes(String model) {
        var km = ModelRegistry.find(model);
        try {
            if (km.isPresent()) {
                try (var in = Embedder.class.getClassLoader().getResourceAsStream(km.get().onnxResource())) {
                    return in == null ? null : in.readAllBytes();
                }
            }
            Path p = Path.of(model);
            if (java.nio.file.Files.isRegularFile(p) && p.getFileName().toString().endsWith(".onnx")) {
                return java.nio.file.Files.readAllBytes(p);
            }
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            return null; // ModelSource.load already read it; a failure here only means the libtorch path
        }
        return null;
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
