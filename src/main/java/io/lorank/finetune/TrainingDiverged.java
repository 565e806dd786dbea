package io.lorank.finetune;

import io.lorank.LorankException;

/** The loss became NaN or infinite: the run stops, and nothing trained from it may be written. */
public final class TrainingDiverged extends LorankException {
    public TrainingDiverged(int step, double loss, int lastFiniteStep, double lastFinite) {
        super("finetune: loss is " + loss + " at step " + step + (lastFiniteStep >= 0 ? " (last finite loss "
                + lastFinite + " at step " + lastFiniteStep + ")" : " (the first step)")
                + "; no adapter written; lower --lr or enable --max-grad-norm");
    }
}
