package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lorank.LorankException;
import io.lorank.engine.Engines;
import io.lorank.model.Checkpoint;
import io.lorank.model.KnownModel;
import io.lorank.model.ModelRegistry;
import io.lorank.model.ModelSource;
import io.lorank.text.TokenBatch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleConsumer;

/**
 * Encoder timings on fixed random inputs (word pieces between [CLS] and [SEP], no padding, seed 1): lorank's DJL
 * forward (no grad) vs ONNX Runtime running the same ONNX file in the same process (intra-op threads = cores,
 * inter-op 1), and one forward+backward step (cross-entropy of a fixed random 2-logit head on CLS, every encoder
 * parameter trainable, gradients zeroed first). Median of {@code runs} timed runs after {@code warmup} runs.
 */
public final class EncoderBenchmark {
    private EncoderBenchmark() {
    }

    /** What to measure. */
    public record Config(List<String> models, int batch, List<Integer> lengths, int warmup, int runs,
                         boolean backward, boolean ort) {
        public Config {
            if (batch < 1 || runs < 1 || warmup < 0 || lengths.isEmpty() || models.isEmpty()) {
                throw new LorankException("bench encoder: --batch and --runs must be >= 1, --warmup >= 0, "
                        + "--lengths and --models non-empty");
            }
        }
    }

    /** Seconds per run: median, min, max over the timed runs. */
    public record Timing(double median, double min, double max, int runs) {
        static Timing of(double[] s) {
            double[] c = s.clone();
            Arrays.sort(c);
            double med = c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
            return new Timing(med, c[0], c[c.length - 1], c.length);
        }
    }

    /** One model at one shape. Ratios: lorank tokens/s over ORT tokens/s (>1 = lorank faster). */
    public record Row(String model, int batch, int length, long tokens, Timing forward, double forwardTokensPerS,
                      Timing ortForward, double ortTokensPerS, double ratioToOrt, Timing forwardBackward) {
    }

    /**
     * Runs every model × length: lorank's forward, lorank's forward+backward, then ORT's forward, each block with
     * its own warm-up; {@code progress} gets each finished row's index.
     */
    public static List<Row> run(Config c, DoubleConsumer progress) {
        List<Row> rows = new ArrayList<>();
        for (String name : c.models()) { // every name checked before the first (slow) model is timed
            ModelRegistry.find(name).orElseThrow(() -> new LorankException(
                    "bench encoder: --models " + name + " is not a known model (see `lorank models`)"));
        }
        for (String name : c.models()) {
            KnownModel km = ModelRegistry.find(name).orElseThrow();
            Checkpoint ck = ModelSource.loadKnown(km);
            int maxLen = ck.config().maxPositionEmbeddings() - (ck.config().padTokenId() > 0 ? ck.config().padTokenId() + 1 : 0);
            for (int len : c.lengths()) {
                if (len < 2 || len > maxLen) {
                    throw new LorankException("bench encoder: --lengths " + len + " is outside 2.." + maxLen
                            + " for " + km.name() + " (its position embeddings)");
                }
            }
            try (Encoder enc = Encoder.load(ck); OrtPeer ort = c.ort() ? new OrtPeer(km) : null) {
                for (int len : c.lengths()) {
                    TokenBatch b = randomBatch(c.batch(), len, ck.config().vocabSize());
                    Runnable djl = () -> {
                        try (NDManager m = Engines.newManager()) {
                            enc.forward(EncoderInput.of(b, enc.config(), m));
                        }
                    };
                    // Blocks, not alternation: ORT's worker threads spin after each run and would steal the
                    // cores from a lorank run that follows at once (measured: 0.24 s alternating vs 0.22 s alone).
                    Timing fwd = time(c, djl);
                    Timing fb = c.backward() ? forwardBackward(enc, b, c) : null;
                    Timing[] t = {fwd, ort == null ? null : time(c, ort.runner(b))};
                    long tokens = (long) c.batch() * len;
                    double tps = tokens / t[0].median();
                    double ortTps = t[1] == null ? Double.NaN : tokens / t[1].median();
                    rows.add(new Row(km.name(), c.batch(), len, tokens, t[0], tps, t[1], ortTps, tps / ortTps, fb));
                    progress.accept(rows.size());
                }
            }
        }
        return rows;
    }

    private static Timing forwardBackward(Encoder enc, TokenBatch b, Config c) {
        Random r = new Random(2);
        int d = enc.config().hiddenSize();
        float[] head = new float[2 * d];
        for (int i = 0; i < head.length; i++) {
            head[i] = (float) (r.nextGaussian() / Math.sqrt(d));
        }
        float[] onehot = new float[b.batchSize() * 2];
        for (int i = 0; i < b.batchSize(); i++) {
            onehot[2 * i + r.nextInt(2)] = 1;
        }
        enc.setTrainable(n -> true);
        try {
            return time(c, () -> {
                try (NDManager m = Engines.newManager(); GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                    enc.zeroGradients();
                    EncoderOutput out = enc.forward(EncoderInput.of(b, enc.config(), m));
                    NDArray w = m.create(head, new Shape(2, d));                             // [2, d]
                    NDArray logits = out.cls().matMul(w.transpose());                        // [B, 2]
                    NDArray y = m.create(onehot, new Shape(b.batchSize(), 2));               // [B, 2]
                    NDArray loss = io.lorank.engine.GradSafe.dividedBy(logits.logSoftmax(1).mul(y).sum().neg(), b.batchSize());
                    gc.backward(loss);
                }
            });
        } finally {
            enc.setTrainable(n -> false);
        }
    }

    /** ONNX Runtime on the model's ONNX file: intra-op threads = cores, inter-op 1, all graph optimizations. */
    private static final class OrtPeer implements AutoCloseable {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final List<OnnxTensor> inputs = new ArrayList<>();

        OrtPeer(KnownModel km) {
            byte[] bytes;
            try (InputStream in = EncoderBenchmark.class.getClassLoader().getResourceAsStream(km.onnxResource())) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new LorankException("classpath:" + km.onnxResource() + ": cannot read (" + e.getMessage() + ")");
            }
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
                o.setInterOpNumThreads(1);
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                session = env.createSession(bytes, o);
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
            }
        }

        Runnable runner(TokenBatch b) {
            long[] shape = {b.batchSize(), b.length()};
            Map<String, OnnxTensor> in;
            try {
                in = Map.of("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(b.ids()), shape),
                        "attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(b.attentionMask()), shape),
                        "token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(b.typeIds()), shape));
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
            inputs.addAll(in.values());
            return () -> {
                try (OrtSession.Result r = session.run(in)) {
                    r.size();
                } catch (OrtException e) {
                    throw new IllegalStateException(e);
                }
            };
        }

        @Override
        public void close() {
            inputs.forEach(OnnxTensor::close);
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static double seconds(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static Timing time(Config c, Runnable r) {
        for (int i = 0; i < c.warmup(); i++) {
            r.run();
        }
        double[] s = new double[c.runs()];
        for (int i = 0; i < s.length; i++) {
            s[i] = seconds(r);
        }
        return Timing.of(s);
    }

    /** [CLS] + random word pieces (ids 1000..vocab-1) + [SEP], no padding; seed 1. */
    public static TokenBatch randomBatch(int batch, int length, int vocab) {
        Random r = new Random(1);
        long[] ids = new long[batch * length];
        long[] mask = new long[batch * length];
        int[] lengths = new int[batch];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < length; j++) {
                ids[i * length + j] = j == 0 ? 101 : j == length - 1 ? 102 : 1000 + r.nextInt(vocab - 1000);
                mask[i * length + j] = 1;
            }
            lengths[i] = length;
        }
        return new TokenBatch(batch, length, ids, mask, new long[batch * length], lengths);
    }

    /** The default model list. */
    public static List<String> defaultModels() {
        return List.of(ModelRegistry.DEFAULT, "bge-small-en-v1.5");
    }
}
