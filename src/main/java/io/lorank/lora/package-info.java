/**
 * Real (nonlinear) LoRA on the encoder: {@link io.lorank.lora.LoraConfig} (rank, alpha, scaling, dropout, init,
 * targets), {@link io.lorank.lora.LoraLinear} (the adapter one Linear carries, Δy = B(A(dropout x))·scaling as in
 * PEFT), {@link io.lorank.lora.LoraModel} (injection into an {@link io.lorank.encoder.Encoder} by
 * {@link io.lorank.encoder.TargetSelection}, base frozen, merge) and {@link io.lorank.lora.PeftAdapter} (PEFT's
 * {@code adapter_config.json} + {@code adapter_model.safetensors}). Targets are {@link io.lorank.encoder.LinearTarget}s.
 */
package io.lorank.lora;
