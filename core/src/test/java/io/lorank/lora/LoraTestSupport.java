package io.lorank.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.lorank.encoder.Encoder;
import io.lorank.encoder.EncoderInput;
import io.lorank.engine.Engines;
import io.lorank.head.TinyModels;
import io.lorank.model.Checkpoint;
import io.lorank.model.ModelSource;
import io.lorank.text.TextTokenizer;
import io.lorank.text.TokenBatch;
import io.lorank.text.TokenizerOptions;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** A tiny random BERT folder (d 16, 2 layers), a fixed token batch and helpers on encoder outputs. */
final class LoraTestSupport {
    static final List<String> TEXTS = List.of("the film was good .", "a dog runs and the cat sleeps .", "fun");

    private LoraTestSupport() {
    }

    static Checkpoint tinyBert(Path dir, long seed) {
        TinyModels.bert(dir, seed, false);
        return ModelSource.loadHfFolder(dir, null);
    }

    static TokenBatch batch(Checkpoint ck) {
        try (TextTokenizer tk = TextTokenizer.load(ck.tokenizer(), TokenizerOptions.defaults())) {
            return tk.encode(TEXTS);
        }
    }

    /** The last hidden state [B, T, d] as doubles. */
    static double[] hidden(Encoder enc, TokenBatch b) {
        try (NDManager m = Engines.newManager()) {
            return enc.forward(EncoderInput.of(b, enc.config(), m)).last().toType(DataType.FLOAT64, false)
                    .toDoubleArray();
        }
    }

    /** L = Σ last-hidden ∘ R for a fixed random R: a scalar touching every output. */
    static NDArray loss(Encoder enc, TokenBatch b, NDManager m, long seed) {
        NDArray h = enc.forward(EncoderInput.of(b, enc.config(), m)).last();
        Random rnd = new Random(seed);
        double[] r = new double[(int) h.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = rnd.nextGaussian();
        }
        return h.mul(m.create(r, h.getShape()).toType(h.getDataType(), false)).sum();
    }

    /** Fills every B with N(0, 0.3²) so that ΔW ≠ 0 and A's gradient is not zero. */
    static void randomizeB(LoraModel lm, long seed) {
        Random rnd = new Random(seed);
        for (LoraLinear l : lm.adapters().values()) {
            int n = (int) l.b().getShape().size();
            double[] v = new double[n];
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = 0.3 * rnd.nextGaussian();
                f[i] = (float) v[i];
            }
            l.b().set(l.b().getDataType() == DataType.FLOAT64 ? DoubleBuffer.wrap(v) : FloatBuffer.wrap(f));
        }
    }

    static double maxAbsDiff(double[] x, double[] y) {
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            d = Math.max(d, Math.abs(x[i] - y[i]));
        }
        return d;
    }
}
