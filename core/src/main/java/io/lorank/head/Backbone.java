package io.lorank.head;

import io.lorank.encoder.Encoder;
import io.lorank.model.Checkpoint;
import io.lorank.model.ModelRegistry;
import io.lorank.model.ModelSource;
import io.lorank.model.Pooling;
import io.lorank.text.SpecialTokens;
import io.lorank.text.TextTokenizer;
import io.lorank.text.TokenizerOptions;

import java.nio.file.Path;

/**
 * An encoder with its tokenizer and sentence pooling: what every head reads. Owns both (close it).
 *
 * @param encoder   the DJL encoder (parameters as loaded: W0)
 * @param tokenizer its tokenizer, truncating to the model's positions (at most {@code maxLength} tokens)
 * @param pooling   the model's own pooling (registry models; folders with sentence-transformers'
 *                  {@code 1_Pooling/config.json}, see {@link PoolingFile}) or MEAN (other folders, ONNX files)
 */
public record Backbone(Encoder encoder, TextTokenizer tokenizer, Pooling pooling) implements AutoCloseable {

    /** Default maximum tokens per input: LM-BFF uses 128, and 256 for its long pair tasks; 256 covers both. */
    public static final int DEFAULT_MAX_LENGTH = 256;

    /** Loads NAME_OR_PATH (see {@link ModelSource}) with its tokenizer. */
    public static Backbone load(String model, int maxLength) {
        Pooling pooling = ModelRegistry.find(model).map(m -> m.pooling())
                .orElseGet(() -> PoolingFile.read(Path.of(model)).orElse(Pooling.MEAN));
        return of(ModelSource.load(model), pooling, maxLength);
    }

    public static Backbone of(Checkpoint ckpt, Pooling pooling, int maxLength) {
        int max = Math.min(maxLength, ckpt.config().maxPositionEmbeddings() - ckpt.config().positionOffset());
        TextTokenizer tk = TextTokenizer.load(ckpt.tokenizer(), TokenizerOptions.defaults().withMaxLength(max));
        try {
            return new Backbone(Encoder.load(ckpt), tk, pooling);
        } catch (RuntimeException e) {
            tk.close();
            throw e;
        }
    }

    /** Loads a Hugging Face folder (tests). */
    public static Backbone folder(Path dir, Pooling pooling, int maxLength) {
        return of(ModelSource.loadHfFolder(dir, null), pooling, maxLength);
    }

    /** The tokenizer's special-token strings, from its mask token: [MASK] -> BERT style, &lt;mask&gt; -> RoBERTa. */
    public SpecialTokens specials() {
        return tokenizer.maskToken().equals("<mask>") ? SpecialTokens.roberta() : SpecialTokens.bert();
    }

    public int maxLength() {
        return tokenizer.options().maxLength();
    }

    public String name() {
        return encoder.name();
    }

    @Override
    public void close() {
        try {
            encoder.close();
        } finally {
            tokenizer.close();
        }
    }
}
