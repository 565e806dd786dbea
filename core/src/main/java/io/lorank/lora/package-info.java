/**
 * Real LoRA on the encoder: {@link io.lorank.lora.LoraConfig} (rank, alpha, scaling, dropout, init, targets),
 * {@link io.lorank.lora.LoraLinear} (the adapter a {@link io.lorank.encoder.Linear} adds to its output),
 * {@link io.lorank.lora.LoraModel} (injection into an encoder by {@link io.lorank.encoder.TargetSelection}, merge)
 * and {@link io.lorank.lora.PeftAdapter} (Hugging Face PEFT's {@code adapter_config.json} +
 * {@code adapter_model.safetensors}). Shapes follow PEFT and the Linear weight: W [m, n], A [r, n], B [m, r],
 * ΔW = scaling · B A.
 */
package io.lorank.lora;
