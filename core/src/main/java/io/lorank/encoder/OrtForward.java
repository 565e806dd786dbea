package io.lorank.encoder;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lorank.LorankException;
import io.lorank.model.Pooling;
import io.lorank.text.TokenBatch;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Gradient-free encoder forward on ONNX Runtime, for checkpoints that are ONNX files (the embedded models, {@code
 * .onnx} paths): the same graph and weights lorank's own encoder loads, run by ORT's fused CPU kernels, faster here
 * than libtorch for inference (BENCHMARKS.md, "ONNX Runtime for gradient-free forwards"). Used by {@code embed};
 * anything that needs gradients, LoRA or modified weights stays on {@link Encoder}. Not thread-safe; close it.
 */
public final class OrtForward implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String where;

    /** @param onnx the ONNX file's bytes; {@code where} names it in errors */
    public OrtForward(byte[] onnx, String where) {
        this.where = where;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            o.setInterOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(onnx, o);
        } catch (OrtException e) {
            throw new LorankException(where + ": ONNX Runtime cannot load it (" + e.getMessage() + ")");
        }
    }

    /** Last hidden state, [B, T, d] row-major, for a batch (inputs the graph declares: ids, mask, type ids). */
    public float[] lastHidden(TokenBatch b, int hidden) {
        long[] shape = {b.batchSize(), b.length()};
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            Set<String> names = session.getInputNames();
            put(in, names, "input_ids", b.ids(), shape);
            put(in, names, "attention_mask", b.attentionMask(), shape);
            put(in, names, "token_type_ids", b.typeIds(), shape);
            try (OrtSession.Result r = session.run(in)) {
                OnnxValue v = r.get(0);
                FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                if (out.length != b.batchSize() * b.length() * hidden) {
                    throw new LorankException(where + ": first output has " + out.length + " values, expected [" + b.batchSize()
                            + ", " + b.length() + ", " + hidden + "] (last_hidden_state); is this a BERT-layout encoder export?");
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException(where + ": ONNX Runtime run failed: " + e.getMessage(), e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /** Pooled vectors [B][d] from a [B, T, d] hidden state, as {@link EncoderOutput#pooled} (mask-aware mean, or CLS). */
    public static float[][] pool(float[] h, TokenBatch b, int d, Pooling pooling) {
        int t = b.length();
        float[][] out = new float[b.batchSize()][d];
        for (int i = 0; i < b.batchSize(); i++) {
            if (pooling == Pooling.CLS) {
                System.arraycopy(h, i * t * d, out[i], 0, d);
                continue;
            }
            double[] s = new double[d];
            double count = 0;
            for (int p = 0; p < t; p++) {
                long m = b.attentionMask()[i * t + p];
                if (m == 0) {
                    continue;
                }
                count += m;
                int base = (i * t + p) * d;
                for (int j = 0; j < d; j++) {
                    s[j] += m * h[base + j];
                }
            }
            double den = Math.max(count, 1e-9);
            for (int j = 0; j < d; j++) {
                out[i][j] = (float) (s[j] / den);
            }
        }
        return out;
    }

    private void put(Map<String, OnnxTensor> in, Set<String> names, String name, long[] data, long[] shape) throws OrtException {
        if (names.contains(name)) {
            in.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape));
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
