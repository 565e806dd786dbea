package io.lorank.head;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.LorankException;
import io.lorank.model.Pooling;
import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A model folder's sentence pooling in sentence-transformers' layout, {@code 1_Pooling/config.json}
 * ({@code word_embedding_dimension}, {@code pooling_mode_cls_token}, {@code pooling_mode_mean_tokens}, ...), so a
 * merged export of a CLS-pooled model (BGE) loads back with CLS pooling, and sentence-transformers reads it too.
 */
public final class PoolingFile {
    /** Where the file lives inside a model folder. */
    public static final String PATH = "1_Pooling/config.json";

    private PoolingFile() {
    }

    /** The pooling {@code dir} declares; empty when {@code dir} is not a folder or has no pooling file. */
    public static Optional<Pooling> read(Path dir) {
        Path f = dir.resolve(PATH);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        JsonNode j;
        try {
            j = Json.MAPPER.readTree(f.toFile());
        } catch (IOException e) {
            throw new LorankException(f + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")");
        }
        boolean cls = j.path("pooling_mode_cls_token").asBoolean(false);
        boolean mean = j.path("pooling_mode_mean_tokens").asBoolean(false);
        if (cls == mean) {
            throw new LorankException(f + ": expected exactly one of pooling_mode_cls_token and "
                    + "pooling_mode_mean_tokens to be true (lorank pools by CLS or by mask-aware mean)");
        }
        return Optional.of(cls ? Pooling.CLS : Pooling.MEAN);
    }

    /** Writes {@code dir/1_Pooling/config.json} for {@code pooling} over hidden size {@code dim}. */
    public static void write(Path dir, Pooling pooling, int dim) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("word_embedding_dimension", dim);
        j.put("pooling_mode_cls_token", pooling == Pooling.CLS);
        j.put("pooling_mode_mean_tokens", pooling == Pooling.MEAN);
        j.put("pooling_mode_max_tokens", false);
        j.put("pooling_mode_mean_sqrt_len_tokens", false);
        try {
            Files.createDirectories(dir.resolve(PATH).getParent());
        } catch (IOException e) {
            throw new LorankException(dir + ": cannot create 1_Pooling/ (" + e.getMessage() + ")");
        }
        AtomicFiles.writeString(dir.resolve(PATH), Json.write(j) + "\n");
    }
}
