package io.lorank.encoder;

import io.lorank.LorankException;
import io.lorank.model.EncoderConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses target Linear modules from the encoder's own list ({@link Encoder#linears()}, or
 * {@link Encoder#linearTargets(EncoderConfig)} when no weights are loaded). A selection is a comma-separated list of
 * entries; each entry is
 * <ul>
 *   <li>a full HF module name ({@code encoder.layer.5.attention.self.value}),</li>
 *   <li>a name relative to every layer ({@code attention.output.dense}, {@code intermediate.dense},
 *       {@code output.dense}: the FFN output, not {@code attention.output.dense}), or a short attention name
 *       ({@code query}, {@code key}, {@code value}),</li>
 *   <li>{@code all-linear}: every Linear of every layer (PEFT's {@code all-linear}; heads and pooler excluded),</li>
 *   <li>{@code last-layer}: query and value of the last layer only (LoRA-NTK's {@code --train_last_layer}).</li>
 * </ul>
 * The result keeps the encoder's order (layer by layer, HF declaration order within a layer) and has no duplicates.
 */
public final class TargetSelection {
    /** The default: query and value of every layer, as in both papers and PEFT's BERT default. */
    public static final String DEFAULT = "query,value";

    private TargetSelection() {
    }

    /** The modules of {@code all} selected by {@code spec}; an unknown entry is one line listing the valid ones. */
    public static List<LinearTarget> select(List<LinearTarget> all, String spec) {
        List<String> entries = spec == null ? List.of()
                : Arrays.stream(spec.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (entries.isEmpty()) {
            throw new LorankException("--targets: empty; choose from " + validNames(all));
        }
        int lastLayer = all.stream().mapToInt(LinearTarget::layer).max().orElse(-1);
        Set<LinearTarget> chosen = new LinkedHashSet<>();
        for (String e : entries) {
            List<LinearTarget> hit = all.stream().filter(t -> matches(t, e, lastLayer)).toList();
            if (hit.isEmpty()) {
                throw new LorankException("--targets: '" + e + "' names no Linear module of this encoder; choose from "
                        + validNames(all) + exampleFullName(all));
            }
            chosen.addAll(hit);
        }
        return all.stream().filter(chosen::contains).toList();
    }

    /** Selection on a config alone (no weights loaded), e.g. for the rank bounds. */
    public static List<LinearTarget> select(EncoderConfig config, String spec) {
        return select(Encoder.linearTargets(config), spec);
    }

    private static boolean matches(LinearTarget t, String entry, int lastLayer) {
        if (t.layer() < 0) {
            return false; // heads and pooler are never LoRA targets here
        }
        String rel = t.layerRelativeName();
        return switch (entry) {
            case "all-linear" -> true;
            case "last-layer" -> t.layer() == lastLayer && (rel.equals("attention.self.query")
                    || rel.equals("attention.self.value"));
            default -> t.name().equals(entry) || rel.equals(entry) || rel.equals("attention.self." + entry);
        };
    }

    /** " or a full name such as X", X the last layer module (never a head or the pooler, which are not targets). */
    private static String exampleFullName(List<LinearTarget> all) {
        return all.stream().filter(t -> t.layer() >= 0).reduce((a, b) -> b)
                .map(t -> " or a full name such as " + t.name()).orElse("");
    }

    private static List<String> validNames(List<LinearTarget> all) {
        Set<String> names = new LinkedHashSet<>();
        for (LinearTarget t : all) {
            if (t.layer() >= 0) {
                String rel = t.layerRelativeName();
                names.add(rel.startsWith("attention.self.") ? rel.substring("attention.self.".length()) : rel);
            }
        }
        List<String> out = new ArrayList<>(names);
        out.add("all-linear");
        out.add("last-layer");
        return out;
    }
}
