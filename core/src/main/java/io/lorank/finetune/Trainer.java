package io.lorank.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.lorank.LorankException;
import io.lorank.data.Example;
import io.lorank.data.Task;
import io.lorank.engine.Engines;
import io.lorank.head.ClassifierHead;
import io.lorank.probe.Metrics;
import io.lorank.util.Progress;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Fine-tunes the arrays {@code params} (LoRA factors, the probe head, or every encoder weight) of a classifier head
 * with AdamW on the cross-entropy of its logits [B, C]:
 * <ul>
 *   <li>batches: each epoch a {@code Random(seed)} permutation of the train set, cut into batches;</li>
 *   <li>learning rate {@link TrainConfig#lrAt}; global gradient norm clipped to {@code clip} (PyTorch's
 *       {@code clip_grad_norm_} factor clip / (‖g‖ + 1e-6));</li>
 *   <li>the dev metric every {@code evalEvery} steps and after the last; the best state is kept (ties keep the
 *       earlier) and restored at the end; {@code patience} evaluations without improvement stop the run;</li>
 *   <li>a non-finite loss stops the run with a {@link LorankException} naming the step and the last finite loss,
 *       before any update with it (callers then write nothing).</li>
 * </ul>
 * Same seed, same machine, same thread count: bit-identical losses.
 */
public final class Trainer {
    private static final int EVAL_BATCH = 32;

    private Trainer() {
    }

    /**
     * @param training switches dropout on (true) and off (false) around training and evaluation; may be a no-op
     * @param quiet    no progress bar
     */
    public static TrainResult train(ClassifierHead head, List<NDArray> params, Consumer<Boolean> training,
                                    List<Example> train, List<Example> dev, TrainConfig cfg, boolean quiet) {
        if (train.isEmpty()) {
            throw new LorankException("task " + head.task().name() + ": the train split is empty; nothing to fine-tune");
        }
        long start = System.nanoTime();
        Engines.pytorch().setRandomSeed((int) cfg.seed());
        Random rnd = new Random(cfg.seed());
        int bs = Math.min(cfg.batchSize(), train.size());
        List<Integer> order = new ArrayList<>();
        int cursor = 0;
        List<Double> losses = new ArrayList<>();
        List<TrainResult.DevPoint> curve = new ArrayList<>();
        List<NDArray> best = null;
        int bestStep = 0;
        double bestDev = Double.NaN;
        int bad = 0;
        boolean early = false;
        double lastFinite = Double.NaN;
        AdamW opt = new AdamW(params, cfg.weightDecay());
        int t = 0;
        try (Progress bar = quiet ? null : Progress.start("finetune " + head.task().name(), cfg.steps())) {
            while (t < cfg.steps()) {
                t++;
                List<Example> batch = new ArrayList<>(bs);
                while (batch.size() < bs) {
                    if (cursor == order.size()) {
                        order = permutation(train.size(), rnd);
                        cursor = 0;
                    }
                    batch.add(train.get(order.get(cursor++)));
                }
                zeroGradients(params);
                training.accept(true);
                double loss;
                try (NDManager m = Engines.newManager(); GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                    NDArray l = crossEntropy(head.forward(batch, m), batch, m);
                    loss = l.toType(DataType.FLOAT64, false).getDouble();
                    if (!Double.isFinite(loss)) {
                        throw new TrainingDivergedException("finetune: the loss is " + loss + " at step " + t + " (last finite "
                                + "loss " + (Double.isNaN(lastFinite) ? "none: the first step" : lastFinite)
                                + "); no adapter written; lower --lr or check the inputs");
                    }
                    gc.backward(l);
                } finally {
                    training.accept(false);
                }
                lastFinite = loss;
                losses.add(loss);
                double norm = gradientNorm(params);
                opt.step(cfg.lrAt(t), Math.min(1, cfg.clip() / (norm + 1e-6)));
                if (t % cfg.evalEvery() == 0 || t == cfg.steps()) {
                    double metric = dev.isEmpty() ? Double.NaN : metric(head, dev);
                    curve.add(new TrainResult.DevPoint(t, metric));
                    if (dev.isEmpty() || Double.isNaN(bestDev) || metric > bestDev) {
                        bestDev = metric;
                        bestStep = t;
                        bad = 0;
                        closeAll(best);
                        best = dev.isEmpty() ? null : snapshot(params);
                    } else if (cfg.patience() > 0 && ++bad >= cfg.patience()) {
                        early = true;
                    }
                    if (bar != null) {
                        bar.message(String.format("loss %.4f dev %.4f", loss, metric));
                    }
                }
                if (bar != null) {
                    bar.step();
                }
                if (early) {
                    break;
                }
            }
        } finally {
            opt.close();
        }
        if (best != null) {
            for (int k = 0; k < params.size(); k++) {
                params.get(k).subi(params.get(k)).addi(best.get(k)); // 0 + x: the kept state exactly
            }
            closeAll(best);
        }
        zeroGradients(params);
        return new TrainResult(List.copyOf(losses), List.copyOf(curve), bestStep, bestDev, t, early,
                (System.nanoTime() - start) / 1e9);
    }

    /** Mean cross-entropy of logits [B, C] against the examples' labels: a scalar. */
    static NDArray crossEntropy(NDArray logits, List<Example> batch, NDManager m) {
        int c = (int) logits.getShape().get(1);
        float[] onehot = new float[batch.size() * c];
        for (int i = 0; i < batch.size(); i++) {
            onehot[i * c + batch.get(i).label()] = 1;
        }
        NDArray y = m.create(onehot, new Shape(batch.size(), c)).toType(logits.getDataType(), false);
        return io.lorank.engine.GradSafe.dividedBy(logits.logSoftmax(1).mul(y).sum().neg(), batch.size());
    }

    /** The task metric of the head on {@code examples} at the current weights. */
    public static double metric(ClassifierHead head, List<Example> examples) {
        int[] gold = examples.stream().mapToInt(Example::label).toArray();
        return Metrics.score(head.task().metric(), ClassifierHead.predict(logits(head, examples)), gold);
    }

    /** Logits [N][C] through {@link ClassifierHead#forward} (so trained head arrays count), no gradients. */
    public static double[][] logits(ClassifierHead head, List<Example> examples) {
        double[][] out = new double[examples.size()][];
        for (int s = 0; s < examples.size(); s += EVAL_BATCH) {
            List<Example> batch = examples.subList(s, Math.min(examples.size(), s + EVAL_BATCH));
            try (NDManager m = Engines.newManager()) {
                double[] v = head.forward(batch, m).toType(DataType.FLOAT64, false).toDoubleArray();
                int c = v.length / batch.size();
                for (int i = 0; i < batch.size(); i++) {
                    double[] row = new double[c];
                    System.arraycopy(v, i * c, row, 0, c);
                    out[s + i] = row;
                }
            }
        }
        return out;
    }

    private static List<Integer> permutation(int n, Random rnd) {
        List<Integer> p = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            p.add(i);
        }
        java.util.Collections.shuffle(p, rnd);
        return p;
    }

    private static void zeroGradients(List<NDArray> params) {
        for (NDArray p : params) {
            if (p.hasGradient()) {
                try (NDArray g = p.getGradient()) {
                    g.subi(g);
                } catch (IllegalStateException noGradientYet) {
                    // requires a gradient but no backward has run yet
                }
            }
        }
    }

    private static double gradientNorm(List<NDArray> params) {
        double s = 0;
        try (NDScope scope = new NDScope()) { // frees the fp64 copies
            for (NDArray p : params) {
                s += p.getGradient().toType(DataType.FLOAT64, false).square().sum().getDouble();
            }
        }
        return Math.sqrt(s);
    }

    private static List<NDArray> snapshot(List<NDArray> params) {
        List<NDArray> s = new ArrayList<>();
        for (NDArray p : params) {
            NDArray c = p.duplicate();
            c.setRequiresGradient(false);
            s.add(c);
        }
        return s;
    }

    private static void closeAll(List<NDArray> arrays) {
        if (arrays != null) {
            arrays.forEach(NDArray::close);
        }
    }
}
