package io.lorank.finetune;

import io.lorank.LorankException;

/**
 * The loss became NaN or infinite: training of this seed stopped, nothing was written for it. A run over several
 * seeds records it and goes on with the next seed ({@link Finetuning#run}); the message names the step and the last
 * finite loss.
 */
public final class TrainingDivergedException extends LorankException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
