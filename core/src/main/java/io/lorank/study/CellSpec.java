package io.lorank.study;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.lorank.LorankException;

import java.util.Map;
import java.util.TreeMap;

/**
 * One unit of work of a study: everything a {@link CellRunner} needs to compute the result, and nothing else (no
 * paths, no timing), so that its canonical JSON and {@link #hash()} name the cell on any machine.
 *
 * @param mode           which runner ({@link CellRunners#names()})
 * @param model          encoder name or folder (null for synthetic cells)
 * @param task           task name or file; synthetic cells carry a descriptive name
 * @param seed           few-shot split seed (or problem seed)
 * @param shots          k per class (null where not used)
 * @param head           head name for the eval mode (null otherwise)
 * @param rank           LoRA rank (null for rank-free modes)
 * @param lambdaFraction λ = lambdaFraction · λ_max (null where not used)
 * @param options        mode-specific settings, e.g. {@code test_cap}, {@code m}; sorted, values numbers or strings
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CellSpec(String mode, String model, String task, Integer seed, Integer shots, String head,
                       Integer rank, Double lambdaFraction, Map<String, Object> options) {
    public CellSpec {
        if (mode == null || mode.isBlank() || task == null || task.isBlank()) {
            throw new LorankException("study cell: mode and task are required (got mode " + mode + ", task " + task + ")");
        }
        options = options == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(options));
    }

    /** Hex SHA-256 of the canonical JSON: the cell's identity in the database. */
    @JsonIgnore
    public String hash() {
        return Canonical.hash(this);
    }

    @JsonIgnore
    public String canonicalJson() {
        return Canonical.json(this);
    }

    /** A numeric option, or {@code fallback} when absent. */
    public double option(String key, double fallback) {
        Object v = options.get(key);
        return v instanceof Number n ? n.doubleValue() : fallback;
    }

    public int intOption(String key, int fallback) {
        Object v = options.get(key);
        return v instanceof Number n ? n.intValue() : fallback;
    }

    public String stringOption(String key, String fallback) {
        Object v = options.get(key);
        return v == null ? fallback : v.toString();
    }

    /** Short human label, e.g. {@code eval wordnet-binary seed 13 probe}. */
    @JsonIgnore
    public String label() {
        StringBuilder sb = new StringBuilder(mode).append(' ').append(task);
        if (seed != null) {
            sb.append(" seed ").append(seed);
        }
        if (head != null) {
            sb.append(' ').append(head);
        }
        if (rank != null) {
            sb.append(" r=").append(rank);
        }
        if (lambdaFraction != null) {
            sb.append(" λ=").append(lambdaFraction).append("·λmax");
        }
        return sb.toString();
    }
}
