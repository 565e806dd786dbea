package io.lorank.lora;

import io.lorank.LorankException;
import io.lorank.encoder.Encoder;
import io.lorank.model.Dtype;
import io.lorank.model.HostTensor;
import io.lorank.model.Safetensors;
import io.lorank.model.TokenizerSource;
import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an encoder (typically after {@link LoraModel#merge}: W0 + ΔW) as a Hugging Face folder that
 * {@code --model} accepts: {@code config.json}, {@code model.safetensors} (fp32, HF parameter names) and the
 * tokenizer's {@code tokenizer.json}. The folder is replaced atomically.
 */
public final class MergedExport {
    private MergedExport() {
    }

    /** More files to put into the folder before it replaces the old one (paths relative to {@code tmp}). */
    @FunctionalInterface
    public interface Extra {
        void writeInto(Path tmp) throws java.io.IOException;
    }

    public static void write(Path dir, Encoder encoder, TokenizerSource tokenizer) {
        write(dir, encoder, tokenizer, tmp -> { });
    }

    /** As {@link #write(Path, Encoder, TokenizerSource)}, with {@code extra} files (pooling, head) in the same swap. */
    public static void write(Path dir, Encoder encoder, TokenizerSource tokenizer, Extra extra) {
        if (tokenizer == null) {
            throw new LorankException(encoder.name() + ": has no tokenizer.json to export; pass a model with one");
        }
        List<HostTensor> tensors = new ArrayList<>();
        encoder.parametersByName().forEach((name, p) -> tensors.add(new HostTensor(name,
                p.getArray().getShape().getShape(), LoraModel.floats(p.getArray()))));
        FolderSwap.write(dir, tmp -> {
            AtomicFiles.writeString(tmp.resolve("config.json"), Json.write(encoder.config().toJson()) + "\n");
            Safetensors.write(tmp.resolve("model.safetensors"), tensors, Dtype.F32);
            try (InputStream in = tokenizer.open()) {
                Files.copy(in, tmp.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
            }
            extra.writeInto(tmp);
        });
    }
}
