package io.lorank.cli;

import io.lorank.encoder.TargetSelection;
import io.lorank.entk.FactorExtractor;
import io.lorank.entk.NtkExtraction;
import io.lorank.head.Backbone;
import io.lorank.head.HeadKind;
import io.lorank.model.ModelRegistry;
import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code lorank ntk}: gradient factors of a train split and its eNTK Gram, written as DIR/kernel.json. */
@Command(name = "ntk", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Extract the k-shot train split's gradient factors (X, D per target, real tokens only) at W0 "
                + "and write DIR/kernel.json: ids, labels, outputs K, targets, logits f(W0), and the (N*K)x(N*K) "
                + "eNTK with row i*K+k.")
public final class NtkCommand implements Runnable {
    @Option(names = "--model", paramLabel = "NAME_OR_PATH", defaultValue = ModelRegistry.DEFAULT, description = "Model.")
    String model;

    @Option(names = "--task", required = true, description = "Registered task name or task file.")
    String task;

    @Option(names = "--seed", required = true, description = "Split seed.")
    int seed;

    @Option(names = "--shots", defaultValue = "16", description = "k per class.")
    int shots;

    @Option(names = "--data", paramLabel = "DIR", description = "Data folder (default ../shared/data).")
    Path data;

    @Option(names = "--head", defaultValue = "embedding", paramLabel = "embedding|mlm",
            converter = io.lorank.cli.options.Converters.Head.class, description = "Classifier head.")
    HeadKind head;

    @Option(names = "--binary", description = "Single logit z1 - z0 (K = 1).")
    boolean binary;

    @Option(names = "--targets", defaultValue = TargetSelection.DEFAULT, description = "Target Linears.")
    String targets;

    @Option(names = "--chunk", defaultValue = "" + FactorExtractor.DEFAULT_CHUNK, description = "Examples per forward.")
    int chunk;

    @Option(names = "--max-length", defaultValue = "" + Backbone.DEFAULT_MAX_LENGTH, description = "Maximum tokens per input.")
    int maxLength;

    @Option(names = "--gram-precision", defaultValue = "fp32", paramLabel = "fp32|fp64",
            converter = io.lorank.cli.options.Converters.Gram.class,
            description = "Arithmetic of the kernel's inner products: fp32 (as the fp32 factors) or fp64 (the exact Gram of the factors, ~2x the time).")
    io.lorank.kernel.GramPrecision gramPrecision;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for kernel.json.")
    Path out;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        NtkExtraction.Result r = NtkExtraction.run(new NtkExtraction.Config(model, task, seed, shots, data, head, binary,
                targets, gramPrecision, chunk, maxLength));
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("ids", r.ids());
        k.put("labels", r.labels());
        k.put("outputs", r.outputs());
        k.put("targets", r.targets());
        k.put("logits", r.logits());
        k.put("kernel", r.kernel());
        AtomicFiles.writeString(out.resolve("kernel.json"), Json.write(k) + "\n");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", r.model());
        summary.put("examples", r.ids().size());
        summary.put("outputs", r.outputs());
        summary.put("targets", r.targets().size());
        summary.put("tokens", r.tokens());
        summary.put("factor_mib", r.factorBytes() / 1048576.0);
        summary.put("dense_g_mib", r.denseBytes() / 1048576.0);
        summary.put("extract_seconds", r.extractSeconds());
        summary.put("gram_seconds", r.gramSeconds());
        summary.put("kernel", out.resolve("kernel.json").toString());
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(ProvenanceJson.write(summary, null, model));
        } else {
            w.printf(Locale.ROOT, "%s: N=%d K=%d, %d targets, %d tokens; factors %.1f MiB (dense G %.1f MiB, %.1fx); "
                            + "factors %.2f s, Gram %.2f s%n  wrote %s%n", r.model(), r.ids().size(), r.outputs(),
                    r.targets().size(), r.tokens(), r.factorBytes() / 1048576.0, r.denseBytes() / 1048576.0,
                    (double) r.denseBytes() / r.factorBytes(), r.extractSeconds(), r.gramSeconds(), out.resolve("kernel.json"));
        }
        w.flush();
    }
}
