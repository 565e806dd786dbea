/**
 * Training loops for real fine-tuning: {@link io.lorank.finetune.Trainer} (AdamW with decoupled weight decay,
 * linear warm-up and decay, global-norm clipping, dev evaluation keeping the best state, early stopping, a NaN/inf
 * stop) over any set of trainable arrays and a batch {@link io.lorank.finetune.Objective}.
 */
package io.lorank.finetune;
