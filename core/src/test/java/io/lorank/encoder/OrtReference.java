package io.lorank.encoder;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lorank.text.TokenBatch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/** ONNX Runtime executing an ONNX file from the classpath: the independent reference for the golden tests. */
final class OrtReference implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OrtReference(String resource) {
        try (InputStream in = OrtReference.class.getClassLoader().getResourceAsStream(resource)) {
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            session = env.createSession(in.readAllBytes(), o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Output 0 (last hidden state [B·T·d]) and, when the graph has it, output 1 (pooler [B·d]). */
    float[][] run(TokenBatch b) {
        long[] shape = {b.batchSize(), b.length()};
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(b.ids()), shape));
            in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(b.attentionMask()), shape));
            in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(b.typeIds()), shape));
            try (OrtSession.Result r = session.run(in)) {
                float[][] out = new float[r.size()][];
                for (int i = 0; i < r.size(); i++) {
                    FloatBuffer fb = ((OnnxTensor) r.get(i)).getFloatBuffer();
                    out[i] = new float[fb.remaining()];
                    fb.get(out[i]);
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /** Mask-aware mean of a hidden state [B·T·d] in double precision: [B][d]. */
    static double[][] meanPool(float[] hidden, TokenBatch b, int d) {
        double[][] out = new double[b.batchSize()][d];
        for (int i = 0; i < b.batchSize(); i++) {
            double count = 0;
            for (int t = 0; t < b.length(); t++) {
                long m = b.attentionMask()[i * b.length() + t];
                count += m;
                for (int k = 0; k < d && m != 0; k++) {
                    out[i][k] += hidden[(i * b.length() + t) * d + k];
                }
            }
            for (int k = 0; k < d; k++) {
                out[i][k] /= Math.max(count, 1e-9);
            }
        }
        return out;
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
