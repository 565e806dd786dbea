package io.lorank.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Weights and shape of one encoder, independent of where they came from (HF folder, ONNX file, model jar).
 *
 * @param name      display name (a registry name, or the folder / file name)
 * @param config    the encoder's shape
 * @param tensors   fp32 tensors by HF parameter name (leading {@code bert.}/{@code roberta.} already stripped)
 * @param weightsFile file the tensors came from, named in error messages (e.g. {@code model.safetensors})
 * @param tokenizer where the matching {@code tokenizer.json} is; null when there is none
 * @param sha256    hex SHA-256 of the weight bytes as stored (the ONNX file; model.safetensors; for shards, of the
 *                  shard files concatenated in name order), for provenance records
 */
public record Checkpoint(String name, EncoderConfig config, Map<String, HostTensor> tensors, String weightsFile,
                         TokenizerSource tokenizer, String sha256) {
    public Checkpoint {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        // weights with NaN/inf would embed to NaN and every answer after it: refuse them at load, naming the tensor
        io.lorank.util.Finite.requireAll(weightsFile == null ? name : weightsFile, tensors, HostTensor::data);
    }

    /** The same weights with another tokenizer ({@code --tokenizer FILE}). */
    public Checkpoint withTokenizer(TokenizerSource other) {
        return new Checkpoint(name, config, tensors, weightsFile, other, sha256);
    }

    /** Total number of values over all tensors. */
    public long valueCount() {
        return tensors.values().stream().mapToLong(t -> t.data().length).sum();
    }

    /** Drops the leading {@code bert.}, {@code roberta.} (or similar) prefix HF uses in task models. */
    public static String stripPrefix(String name) {
        for (String p : new String[] {"bert.", "roberta.", "model."}) {
            if (name.startsWith(p)) {
                return name.substring(p.length());
            }
        }
        return name;
    }
}
