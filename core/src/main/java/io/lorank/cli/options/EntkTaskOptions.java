package io.lorank.cli.options;

import io.lorank.encoder.TargetSelection;
import io.lorank.entk.FactorExtractor;
import io.lorank.head.Backbone;
import io.lorank.head.HeadKind;
import io.lorank.model.ModelRegistry;
import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every eNTK command over seeds ({@code kernel}, {@code linearized}) asks for: the model, task, head and target
 * Linears, the splits, and the factor extraction's bounds. Add with {@code @Mixin EntkTaskOptions in;}.
 */
public final class EntkTaskOptions {
    @Option(names = "--model", paramLabel = "NAME_OR_PATH", defaultValue = ModelRegistry.DEFAULT,
            description = "Known model name, HF folder or .onnx file.")
    public String model;

    @Option(names = "--task", required = true, description = "Registered task name or task file.")
    public String task;

    @Option(names = "--head", defaultValue = "embedding", paramLabel = "embedding|probe|mlm",
            converter = Converters.Head.class, description = "Classifier head f.")
    public HeadKind head;

    @Option(names = "--binary", description = "Single logit z1 - z0 (K = 1), as the papers' code (LM-Kernel-FT's "
            + "--binary_classification): logistic loss when linearized, +-1 targets and the sign rule for the kernel baselines.")
    public boolean binary;

    @Option(names = "--targets", defaultValue = TargetSelection.DEFAULT,
            description = "Target Linears: names, layer-relative names, query/key/value, all-linear, last-layer.")
    public String targets;

    @Option(names = "--shots", defaultValue = "16", description = "k: examples per class.")
    public int shots;

    @Option(names = "--seeds", split = ",", paramLabel = "S", defaultValue = "13,21,42,87,100", description = "Split seeds.")
    public List<Integer> seeds;

    @Option(names = "--data", paramLabel = "DIR", description = "Data folder (default ../shared/data).")
    public Path data;

    @Option(names = "--test-cap", defaultValue = "1000", paramLabel = "N", description = "Keep at most N test examples; 0 = all.")
    public int testCap;

    @Option(names = "--chunk", defaultValue = "" + FactorExtractor.DEFAULT_CHUNK,
            description = "Examples per forward in factor extraction (bounds memory).")
    public int chunk;

    @Option(names = "--max-length", defaultValue = "" + Backbone.DEFAULT_MAX_LENGTH, description = "Maximum tokens per input.")
    public int maxLength;

    /** {@code out/config.json} (command, config, version) and {@code out/results.json}, each written atomically. */
    public static void writeRun(Path out, String command, Object config, Object report) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("command", command);
        c.put("config", config);
        c.put("lorank_version", io.lorank.Lorank.VERSION);
        AtomicFiles.writeString(out.resolve("config.json"), Json.write(c) + "\n");
        AtomicFiles.writeString(out.resolve("results.json"), Json.write(report) + "\n");
    }
}
