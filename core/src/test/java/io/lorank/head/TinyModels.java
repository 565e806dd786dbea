package io.lorank.head;

import io.lorank.model.Architecture;
import io.lorank.model.Dtype;
import io.lorank.model.EncoderConfig;
import io.lorank.model.HiddenAct;
import io.lorank.model.HostTensor;
import io.lorank.model.TinyCheckpoint;
import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiny random BERT / RoBERTa folders for head tests: {@link TinyCheckpoint} weights (with an MLM head when asked)
 * plus a tokenizer.json written here: a lower-casing WordPiece tokenizer over {@link #WORDS} for BERT, a byte-level
 * BPE over the same words (with and without the leading-space mark Ġ) for RoBERTa.
 */
public final class TinyModels {
    /** Content words of the tiny vocabularies. */
    static final List<String> WORDS = List.of(".", ",", "?", ":", "the", "a", "film", "plot", "was", "is", "it",
            "good", "bad", "great", "terrible", "yes", "no", "maybe", "dog", "cat", "runs", "sleeps", "and", "not",
            "very", "this", "kind", "of", "animal", "plant", "fun", "dull", "sad");

    private TinyModels() {
    }

    /** BERT: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, then {@link #WORDS}; vocab 60. */
    public static Map<String, Integer> bertVocab() {
        Map<String, Integer> v = new LinkedHashMap<>();
        for (String s : List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")) {
            v.put(s, v.size());
        }
        for (String w : WORDS) {
            v.put(w, v.size());
        }
        return v;
    }

    /** Writes a tiny BERT folder (exact GELU, MLM head if {@code mlm}) and returns its weights. */
    public static Map<String, HostTensor> bert(Path dir, long seed, boolean mlm) {
        EncoderConfig c = TinyCheckpoint.config(Architecture.BERT, HiddenAct.GELU);
        Map<String, HostTensor> w = TinyCheckpoint.random(c, seed, false, mlm);
        TinyCheckpoint.writeFolder(dir, c, w.values(), Dtype.F32, "bert.");
        AtomicFiles.writeString(dir.resolve("tokenizer.json"), Json.write(wordPiece(bertVocab())));
        return w;
    }

    public static EncoderConfig bertConfig() {
        return TinyCheckpoint.config(Architecture.BERT, HiddenAct.GELU);
    }

    /** RoBERTa config with room for the BPE vocabulary. */
    public static EncoderConfig robertaConfig() {
        return new EncoderConfig(Architecture.ROBERTA, 16, 2, 4, 32, HiddenAct.GELU_TANH, 1e-5, 400, 40, 1, 1);
    }

    /** Writes a tiny RoBERTa folder with a byte-level BPE tokenizer; returns its weights. */
    public static Map<String, HostTensor> roberta(Path dir, long seed) {
        EncoderConfig c = robertaConfig();
        Map<String, HostTensor> w = TinyCheckpoint.random(c, seed, false, true);
        TinyCheckpoint.writeFolder(dir, c, w.values(), Dtype.F32, "roberta.");
        AtomicFiles.writeString(dir.resolve("tokenizer.json"), Json.write(bpe(robertaVocab(), robertaMerges())));
        return w;
    }

    /**
     * RoBERTa: &lt;s&gt; 0, &lt;pad&gt; 1, &lt;/s&gt; 2, &lt;unk&gt; 3, &lt;mask&gt; 4, the single characters, then every
     * prefix of every word and of Ġ+word (the tokens the merges create).
     */
    public static Map<String, Integer> robertaVocab() {
        Map<String, Integer> v = new LinkedHashMap<>();
        for (String s : List.of("<s>", "<pad>", "</s>", "<unk>", "<mask>", "Ġ")) {
            v.put(s, v.size());
        }
        for (String w : WORDS) {
            for (String form : List.of("Ġ" + w, w)) {
                for (int i = 1; i <= form.length(); i++) {
                    v.putIfAbsent(form.substring(0, i), v.size());
                }
            }
        }
        for (char ch = 'a'; ch <= 'z'; ch++) {
            v.putIfAbsent(String.valueOf(ch), v.size());
        }
        return v;
    }

    /** Merges building Ġ+word left to right first (lower rank), then the plain words, so Ġ words stay whole. */
    static List<String> robertaMerges() {
        List<String> m = new ArrayList<>();
        for (boolean space : new boolean[] {true, false}) {
            for (String w : WORDS) {
                String form = space ? "Ġ" + w : w;
                for (int i = 1; i < form.length(); i++) {
                    String merge = form.substring(0, i) + " " + form.charAt(i);
                    if (!m.contains(merge)) {
                        m.add(merge);
                    }
                }
            }
        }
        return m;
    }

    private static Map<String, Object> added(String token, int id) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("id", id);
        t.put("content", token);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", true);
        return t;
    }

    static Map<String, Object> wordPiece(Map<String, Integer> vocab) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("version", "1.0");
        j.put("truncation", null);
        j.put("padding", null);
        List<Object> add = new ArrayList<>();
        for (String s : List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")) {
            add.add(added(s, vocab.get(s)));
        }
        j.put("added_tokens", add);
        j.put("normalizer", Map.of("type", "BertNormalizer", "clean_text", true, "handle_chinese_chars", true,
                "lowercase", true));
        j.put("pre_tokenizer", Map.of("type", "BertPreTokenizer"));
        j.put("post_processor", Map.of("type", "TemplateProcessing",
                "single", List.of(special("[CLS]", 0), seq("A", 0), special("[SEP]", 0)),
                "pair", List.of(special("[CLS]", 0), seq("A", 0), special("[SEP]", 0), seq("B", 1), special("[SEP]", 1)),
                "special_tokens", Map.of(
                        "[CLS]", Map.of("id", "[CLS]", "ids", List.of(vocab.get("[CLS]")), "tokens", List.of("[CLS]")),
                        "[SEP]", Map.of("id", "[SEP]", "ids", List.of(vocab.get("[SEP]")), "tokens", List.of("[SEP]")))));
        j.put("decoder", Map.of("type", "WordPiece", "prefix", "##", "cleanup", true));
        j.put("model", Map.of("type", "WordPiece", "unk_token", "[UNK]", "continuing_subword_prefix", "##",
                "max_input_chars_per_word", 100, "vocab", vocab));
        return j;
    }

    static Map<String, Object> bpe(Map<String, Integer> vocab, List<String> merges) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("version", "1.0");
        j.put("truncation", null);
        j.put("padding", null);
        List<Object> add = new ArrayList<>();
        for (String s : List.of("<s>", "<pad>", "</s>", "<unk>", "<mask>")) {
            add.add(added(s, vocab.get(s)));
        }
        j.put("added_tokens", add);
        j.put("normalizer", null);
        j.put("pre_tokenizer", Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true,
                "use_regex", true));
        j.put("post_processor", Map.of("type", "RobertaProcessing", "sep", List.of("</s>", 2), "cls", List.of("<s>", 0),
                "trim_offsets", true, "add_prefix_space", false));
        j.put("decoder", Map.of("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", true, "use_regex", true));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", "<unk>");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("vocab", vocab);
        model.put("merges", merges);
        j.put("model", model);
        return j;
    }

    private static Map<String, Object> special(String id, int type) {
        return Map.of("SpecialToken", Map.of("id", id, "type_id", type));
    }

    private static Map<String, Object> seq(String id, int type) {
        return Map.of("Sequence", Map.of("id", id, "type_id", type));
    }
}
