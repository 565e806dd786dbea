package io.lorank.cli;

import io.lorank.model.KnownModel;
import io.lorank.model.ModelRegistry;
import io.lorank.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code lorank models}: the pretrained encoders available by name. */
@Command(name = "models", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "List the pretrained encoders lorank can load by name (from model jars on the classpath). "
                + "Any Hugging Face BERT/RoBERTa folder (config.json + model.safetensors) or BERT .onnx file works too.",
        footer = {"", "Example:", "  lorank models --json"})
public final class ModelsCommand implements Runnable {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (KnownModel m : ModelRegistry.all()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("name", m.name());
                r.put("default", m.name().equals(ModelRegistry.DEFAULT));
                r.put("hf_id", m.hfId());
                r.put("source", m.artifact());
                r.put("layers", m.config().numLayers());
                r.put("hidden_size", m.config().hiddenSize());
                r.put("heads", m.config().numHeads());
                r.put("intermediate_size", m.config().intermediateSize());
                r.put("parameters", m.parameterCount());
                r.put("pooling", m.pooling().name().toLowerCase(Locale.ROOT));
                rows.add(r);
            }
            out.println(Json.write(rows));
            return;
        }
        out.printf("%-20s %-40s %6s %6s %5s %11s %7s  %s%n", "NAME", "HUGGING FACE ID", "LAYERS", "HIDDEN", "HEADS",
                "PARAMETERS", "POOLING", "SOURCE");
        for (KnownModel m : ModelRegistry.all()) {
            out.printf(Locale.ROOT, "%-20s %-40s %6d %6d %5d %11s %7s  %s%n",
                    m.name() + (m.name().equals(ModelRegistry.DEFAULT) ? "*" : ""), m.hfId(), m.config().numLayers(),
                    m.config().hiddenSize(), m.config().numHeads(), String.format(Locale.ROOT, "%,d", m.parameterCount()),
                    m.pooling().name().toLowerCase(Locale.ROOT), "maven:" + m.artifact());
        }
        out.println("* default");
    }
}
