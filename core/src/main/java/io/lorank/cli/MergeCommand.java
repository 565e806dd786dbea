package io.lorank.cli;

import io.lorank.LorankException;
import io.lorank.cli.options.Converters;
import io.lorank.finetune.TrainedClassifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** {@code lorank merge}: folds a PEFT adapter into its base model and writes an HF folder that --model accepts. */
@Command(name = "merge", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Merge a LoRA adapter into the base weights (W0 + scaling·B A) and write a Hugging Face folder "
                + "(config.json, model.safetensors, tokenizer.json, 1_Pooling/config.json) with the classifier head "
                + "(lorank_head.json, lorank_head.safetensors), so that lorank predict --model OUT gives the "
                + "adapter's logits. The folder is replaced atomically.",
        footer = {"", "Examples:",
                "  lorank merge --adapter runs/sst2-r1/seed-13/adapter --out merged-sst2",
                "  lorank predict --model merged-sst2 --input reviews.txt"})
public final class MergeCommand implements Runnable {
    @Option(names = "--model", paramLabel = "NAME_OR_PATH",
            description = "Base model (default: the adapter's base_model_name_or_path).")
    String model;

    @Option(names = "--adapter", required = true, paramLabel = "DIR", converter = Converters.ExistingFolder.class,
            description = "PEFT adapter folder (lorank finetune's seed-S/adapter/).")
    Path adapter;

    @Option(names = "--out", required = true, paramLabel = "HF_FOLDER", description = "Folder to write.")
    Path out;

    @Option(names = "--force", description = "Replace --out when it already holds files.")
    boolean force;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (Files.isRegularFile(out)) {
            throw new LorankException("--out: " + out + " is a file; give a folder path");
        }
        if (!force && Files.isDirectory(out) && !empty(out)) {
            throw new LorankException("--out: " + out + " already holds files; pass --force to replace it");
        }
        try (TrainedClassifier tc = TrainedClassifier.open(model, adapter, null, null)) {
            tc.merge(out);
            PrintWriter w = spec.commandLine().getOut();
            w.println("wrote " + out + " (" + tc.backbone().name() + " + " + adapter + ", task " + tc.task().name()
                    + ", " + tc.spec().head().lowerName() + " head)");
            w.flush();
        }
    }

    private static boolean empty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new LorankException("--out: cannot list " + dir + " (" + e.getMessage() + ")");
        }
    }
}
