package io.lorank.model;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The pretrained encoders lorank can load by name, straight from model jars on the classpath. */
public final class ModelRegistry {
    /** Used when no {@code --model} is given. */
    public static final String DEFAULT = "all-minilm-l6-v2";

    private static final String L4J = "dev.langchain4j:langchain4j-embeddings-%s:1.0.0-beta2";

    private static final List<KnownModel> MODELS = List.of(
            new KnownModel("all-minilm-l6-v2", "sentence-transformers/all-MiniLM-L6-v2",
                    L4J.formatted("all-minilm-l6-v2"), "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
                    Pooling.MEAN, bertSmall(6), true),
            new KnownModel("bge-small-en-v1.5", "BAAI/bge-small-en-v1.5",
                    L4J.formatted("bge-small-en-v15"), "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json",
                    Pooling.CLS, bertSmall(12), false),
            new KnownModel("e5-small-v2", "intfloat/e5-small-v2",
                    L4J.formatted("e5-small-v2"), "e5-small-v2.onnx", "e5-small-v2-tokenizer.json",
                    Pooling.MEAN, bertSmall(12), false));

    private ModelRegistry() {
    }

    public static List<KnownModel> all() {
        return MODELS;
    }

    /** Looks a name up, case-insensitively; also accepts the HF id and "bge-small-en-v15". */
    public static Optional<KnownModel> find(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return MODELS.stream()
                .filter(m -> m.name().equals(n) || m.hfId().toLowerCase(Locale.ROOT).equals(n)
                        || m.name().replace("v1.5", "v15").equals(n))
                .findFirst();
    }

    private static EncoderConfig bertSmall(int layers) {
        return new EncoderConfig(Architecture.BERT, 384, layers, 12, 1536, HiddenAct.GELU, 1e-12, 30522, 512, 2, 0);
    }

    /** The config of a known model name or of a Hugging Face folder (its config.json), without loading weights. */
    public static EncoderConfig config(String nameOrFolder) {
        var known = find(nameOrFolder);
        if (known.isPresent()) {
            return known.get().config();
        }
        java.nio.file.Path json = java.nio.file.Path.of(nameOrFolder).resolve("config.json");
        if (java.nio.file.Files.isRegularFile(json)) {
            return EncoderConfig.read(json);
        }
        throw new io.lorank.LorankException("--model: '" + nameOrFolder + "' is neither a known model ("
                + all().stream().map(KnownModel::name).toList()
                + ") nor a folder with config.json; run `lorank models` for the list");
    }
}
