package io.lorank.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.LorankException;
import io.lorank.model.TokenizerSource;
import io.lorank.util.Json;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The Hugging Face tokenizer of a model ({@code tokenizer.json}, run by DJL's binding of the Rust {@code tokenizers}
 * library), producing padded int64 batches. Special tokens, token types and truncation are the original
 * tokenizer's; padding is done here (to the longest row, or to the maximum length) with the tokenizer's pad id,
 * so the settings stored in tokenizer.json (e.g. "pad to 128") never leak in.
 */
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final TokenizerOptions options;
    private final Map<String, Long> vocab = new HashMap<>();
    private final long padId;
    private final String maskToken;
    private final String source;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, TokenizerOptions options, JsonNode json, String source) {
        this.tokenizer = tokenizer;
        this.options = options;
        this.source = source;
        JsonNode v = json.path("model").path("vocab");
        if (v.isObject()) {
            v.fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asLong()));
        }
        String mask = null;
        Long pad = null;
        for (JsonNode t : json.path("added_tokens")) {
            String content = t.path("content").asText();
            vocab.put(content, t.path("id").asLong());
            if (content.equals("[MASK]") || content.equals("<mask>")) {
                mask = content;
            }
            if (content.equals("[PAD]") || content.equals("<pad>")) {
                pad = t.path("id").asLong();
            }
        }
        JsonNode padding = json.path("padding");
        if (padding.has("pad_id")) {
            pad = padding.path("pad_id").asLong();
        }
        this.padId = pad == null ? 0 : pad;
        this.maskToken = mask;
    }

    /** Opens the tokenizer.json of {@code src}. */
    public static TextTokenizer load(TokenizerSource src, TokenizerOptions options) {
        if (src == null) {
            throw new LorankException("this model has no tokenizer.json next to its weights; pass --tokenizer FILE");
        }
        io.lorank.engine.Engines.configure();
        byte[] bytes;
        try (InputStream in = src.open()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new LorankException(src.describe() + ": cannot read (" + e.getMessage() + ")", e);
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new LorankException(Json.error(src.describe(), e).getMessage() + " (not a valid tokenizer.json)");
        } catch (IOException e) {
            throw new LorankException(src.describe() + ": cannot read (" + e.getMessage() + ")");
        }
        Map<String, String> o = new HashMap<>();
        o.put("addSpecialTokens", String.valueOf(options.addSpecialTokens()));
        o.put("truncation", options.truncation().name().toLowerCase(Locale.ROOT));
        o.put("padding", "false");
        o.put("maxLength", String.valueOf(options.maxLength()));
        o.put("modelMaxLength", String.valueOf(options.maxLength()));
        HuggingFaceTokenizer tk;
        try {
            tk = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), o);
        } catch (IOException | RuntimeException e) {
            throw new LorankException(src.describe() + ": the tokenizer cannot be loaded (" + e.getMessage() + ")");
        }
        // below special tokens + 1 the Rust tokenizer silently stops truncating: refuse such a length instead
        int specials = options.addSpecialTokens() ? tk.encode("").getIds().length : 0;
        if (options.maxLength() < specials + 1) {
            tk.close();
            throw new LorankException("--max-length " + options.maxLength() + " is below the minimum "
                    + (specials + 1) + " for " + src.describe() + " (" + specials + " special tokens + 1 text token)");
        }
        return new TextTokenizer(tk, options, json, src.describe());
    }

    /** Encodes single texts into a padded batch. */
    public TokenBatch encode(List<String> texts) {
        return pad(tokenizer.batchEncode(texts));
    }

    /** Encodes sentence pairs (first[i], second[i]) into a padded batch with the tokenizer's pair template. */
    public TokenBatch encodePairs(List<String> first, List<String> second) {
        if (first.size() != second.size()) {
            throw new IllegalArgumentException("pairs need as many second texts (" + second.size() + ") as first ("
                    + first.size() + ")");
        }
        PairList<String, String> pairs = new PairList<>(first, second);
        return pad(tokenizer.batchEncode(pairs));
    }

    private TokenBatch pad(Encoding[] enc) {
        int b = enc.length;
        int t = options.padToMaxLength() ? options.maxLength() : 1;
        for (Encoding e : enc) {
            t = Math.max(t, e.getIds().length);
        }
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        long[] types = new long[b * t];
        int[] lengths = new int[b];
        java.util.Arrays.fill(ids, padId);
        for (int i = 0; i < b; i++) {
            long[] e = enc[i].getIds();
            long[] ty = enc[i].getTypeIds();
            lengths[i] = e.length;
            System.arraycopy(e, 0, ids, i * t, e.length);
            System.arraycopy(ty, 0, types, i * t, e.length);
            java.util.Arrays.fill(mask, i * t, i * t + e.length, 1L);
        }
        return new TokenBatch(b, t, ids, mask, types, lengths);
    }

    /** Token ids of a text without special tokens (label words; RoBERTa words need their leading space). */
    public long[] tokenIds(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    /** Tokens (strings) of a text with this tokenizer's special tokens. */
    public List<String> tokens(String text) {
        return List.of(tokenizer.encode(text).getTokens());
    }

    /** Id of one exact vocabulary token (e.g. "[MASK]", "##ing", "Ġgreat"). */
    public OptionalLong tokenToId(String token) {
        Long id = vocab.get(token);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** The mask token string ("[MASK]" or "&lt;mask&gt;"). */
    public String maskToken() {
        if (maskToken == null) {
            throw new LorankException(source + ": this tokenizer has no [MASK]/<mask> token");
        }
        return maskToken;
    }

    public long maskTokenId() {
        return vocab.get(maskToken());
    }

    public long padTokenId() {
        return padId;
    }

    public TokenizerOptions options() {
        return options;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
