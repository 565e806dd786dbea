package io.lorank.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lorank.data.Example;
import io.lorank.head.ClassifierHead;

import java.util.ArrayList;
import java.util.List;

/**
 * Mean cross-entropy of a {@link ClassifierHead}'s logits [B, C] on labelled training examples: the objective of
 * LoRA (or full) fine-tuning through any head (prompt heads stay fixed; a probe head trains when its
 * {@link ClassifierHead#parameters()} are passed to the {@link Trainer}). {@link #accuracy} is the dev metric.
 */
public final class ClassifierObjective implements Objective {
    private final ClassifierHead head;
    private final List<Example> train;

    public ClassifierObjective(ClassifierHead head, List<Example> train) {
        this.head = head;
        this.train = List.copyOf(train);
    }

    @Override
    public int size() {
        return train.size();
    }

    @Override
    public NDArray loss(int[] batch, NDManager m) {
        List<Example> b = new ArrayList<>(batch.length);
        float[] onehot = new float[batch.length * head.numClasses()];
        for (int i = 0; i < batch.length; i++) {
            Example e = train.get(batch[i]);
            b.add(e);
            onehot[i * head.numClasses() + e.label()] = 1;
        }
        NDArray z = head.forward(b, m);                                                         // [B, C]
        NDArray y = m.create(onehot, new Shape(batch.length, head.numClasses())).toType(z.getDataType(), false);
        return z.logSoftmax(1).mul(y).sum().neg().div(batch.length);
    }

    /** Accuracy of the head's current predictions on {@code examples}. */
    public static double accuracy(ClassifierHead head, List<Example> examples) {
        double[][] z = head.logits(examples);
        int hit = 0;
        for (int i = 0; i < z.length; i++) {
            int arg = 0;
            for (int c = 1; c < z[i].length; c++) {
                arg = z[i][c] > z[i][arg] ? c : arg;
            }
            hit += arg == examples.get(i).label() ? 1 : 0;
        }
        return (double) hit / z.length;
    }
}
