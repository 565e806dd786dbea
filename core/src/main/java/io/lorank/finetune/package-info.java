/**
 * Real (nonlinear) fine-tuning of a classifier head's encoder: {@link io.lorank.finetune.TrainConfig} (validated),
 * {@link io.lorank.finetune.AdamW} (decoupled weight decay), {@link io.lorank.finetune.Trainer} (linear warm-up and
 * decay, global-norm clipping, dev evaluation keeping the best state, early stopping, a non-finite-loss guard), and
 * {@link io.lorank.finetune.TrainResult}. Deterministic on CPU for a seed: batches are drawn by
 * {@code java.util.Random(seed)} and LoRA dropout masks by the adapters' own seeded {@code Random}s.
 */
package io.lorank.finetune;
