package io.lorank.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.lorank.LorankException;
import io.lorank.encoder.Encoder;
import io.lorank.encoder.EncoderBenchmark;
import io.lorank.encoder.EncoderInput;
import io.lorank.engine.Engines;
import io.lorank.lora.LoraConfig;
import io.lorank.lora.LoraModel;
import io.lorank.model.Checkpoint;
import io.lorank.model.ModelSource;
import io.lorank.text.TokenBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Training-step timings on the peer's workload ({@code ../shared/peer/bench.py} sections 2 and 3): a batch of N
 * random word-piece sequences of T tokens ([CLS] … [SEP], no padding, seed 1) and a 2-way linear head with fixed
 * random weights on the [CLS] vector, cross-entropy loss.
 * <ul>
 *   <li><b>LoRA step</b> (section 3): LoRA of rank r on the chosen targets (PEFT init), zero the gradients,
 *       forward, backward, one AdamW step on A and B (lr 1e-4, the peer's Adam lr, no weight decay);</li>
 *   <li><b>full forward+backward</b> (section 2): every encoder weight trainable, zero the gradients, forward,
 *       backward (no optimizer step, as the peer).</li>
 * </ul>
 * Each is the median of {@code runs} calls after {@code warmup} untimed calls; tokens/s = N·T / median.
 */
public final class TrainBenchmark {
    /**
     * @param model   NAME_OR_PATH
     * @param batch   N
     * @param length  T
     * @param rank    LoRA rank r
     * @param targets LoRA targets (TargetSelection spec)
     * @param warmup  untimed calls
     * @param runs    timed calls
     */
    public record Config(String model, int batch, int length, int rank, String targets, int warmup, int runs) {
        public Config {
            if (batch < 1 || length < 2 || rank < 1 || warmup < 0 || runs < 1) {
                throw new LorankException("bench train: --batch, --rank and --runs must be >= 1, --length >= 2, "
                        + "--warmup >= 0");
            }
        }
    }

    /** One workload's timing: median/min/max seconds over the runs and tokens/s at the median. */
    public record Row(String workload, EncoderBenchmark.Timing timing, double tokensPerSecond, long trainableParams) {
    }

    private TrainBenchmark() {
    }

    public static List<Row> run(Config c) {
        Checkpoint ck = ModelSource.load(c.model());
        List<Row> rows = new ArrayList<>();
        try (Encoder enc = Encoder.load(ck); NDManager keep = Engines.newManager()) {
            if (c.length() > enc.config().maxPositionEmbeddings()) {
                throw new LorankException("bench train: --length " + c.length() + " is above the model's "
                        + enc.config().maxPositionEmbeddings() + " positions");
            }
            TokenBatch b = EncoderBenchmark.randomBatch(c.batch(), c.length(), ck.config().vocabSize());
            int d = enc.config().hiddenSize();
            Random r = new Random(2);
            float[] head = new float[2 * d];
            for (int i = 0; i < head.length; i++) {
                head[i] = (float) (r.nextGaussian() / Math.sqrt(d));
            }
            float[] onehot = new float[c.batch() * 2];
            for (int i = 0; i < c.batch(); i++) {
                onehot[2 * i + r.nextInt(2)] = 1;
            }
            NDArray w = keep.create(head, new Shape(2, d)).toType(enc.dataType(), false);           // [2, d]
            NDArray y = keep.create(onehot, new Shape(c.batch(), 2)).toType(enc.dataType(), false); // [N, 2]
            long tokens = (long) c.batch() * c.length();
            try (LoraModel lm = LoraModel.inject(enc, LoraConfig.defaults().withRank(c.rank())
                    .withTargets(c.targets()), 1)) {
                List<NDArray> params = lm.trainable();
                AdamW opt = new AdamW(params, 0);
                try {
                    EncoderBenchmark.Timing t = time(c, () -> {
                        zero(params);
                        backward(enc, b, w, y);
                        opt.step(1e-4, 1);
                    });
                    rows.add(new Row("LoRA r=" + c.rank() + " on " + c.targets() + ": fwd+bwd+AdamW", t,
                            tokens / t.median(), params.stream().mapToLong(NDArray::size).sum()));
                } finally {
                    opt.close();
                }
            }
            enc.setTrainable(n -> true);
            try {
                EncoderBenchmark.Timing t = time(c, () -> {
                    enc.zeroGradients();
                    backward(enc, b, w, y);
                });
                long n = enc.parametersByName().values().stream().mapToLong(p -> p.getArray().size()).sum();
                rows.add(new Row("full fine-tuning: fwd+bwd", t, tokens / t.median(), n));
            } finally {
                enc.setTrainable(n -> false);
            }
        }
        return rows;
    }

    /** Cross-entropy of the fixed head on the [CLS] vector, then backward. */
    private static void backward(Encoder enc, TokenBatch b, NDArray w, NDArray y) {
        try (NDManager m = Engines.newManager(); GradientCollector gc = Engines.pytorch().newGradientCollector()) {
            NDArray logits = enc.forward(EncoderInput.of(b, enc.config(), m)).cls().matMul(w.transpose()); // [N, 2]
            gc.backward(io.lorank.engine.GradSafe.dividedBy(logits.logSoftmax(1).mul(y).sum().neg(), b.batchSize()));
        }
    }

    private static void zero(List<NDArray> params) {
        for (NDArray p : params) {
            try (NDArray g = p.getGradient()) {
                g.subi(g);
            } catch (IllegalStateException noGradientYet) {
                // the first call: no backward has run yet
            }
        }
    }

    private static EncoderBenchmark.Timing time(Config c, Runnable r) {
        for (int i = 0; i < c.warmup(); i++) {
            r.run();
        }
        double[] s = new double[c.runs()];
        for (int i = 0; i < s.length; i++) {
            long t0 = System.nanoTime();
            r.run();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        double[] sorted = s.clone();
        Arrays.sort(sorted);
        double med = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        return new EncoderBenchmark.Timing(med, sorted[0], sorted[sorted.length - 1], s.length);
    }
}
