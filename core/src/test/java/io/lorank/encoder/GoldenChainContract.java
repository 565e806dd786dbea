package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lorank.engine.Engines;
import io.lorank.model.Checkpoint;
import io.lorank.model.KnownModel;
import io.lorank.model.ModelRegistry;
import io.lorank.text.TextTokenizer;
import io.lorank.text.TokenBatch;
import io.lorank.text.TokenizerOptions;
import io.lorank.text.Truncation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden chain: lorank's DJL encoder vs ONNX Runtime executing the same ONNX file, on the same token ids.
 * 12 single sentences (one padded batch of mixed lengths), 4 long texts truncated to 40 tokens, 6 sentence
 * pairs (longest-first and only-first truncation): final hidden state at every real token, mean-pooled embedding
 * and (when the graph has it) the pooler output within 1e-4 (max |Δ|; values reach ~5). Each model is a ten-line subclass; each class loads its model once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GoldenChainContract {
    static final double TOL = 1e-4;

    static final List<String> SENTENCES = List.of(
            "A cat sits on the mat.", "A kitten is sitting on a rug.", "Hello!",
            "The quick brown fox jumps over the lazy dog near the riverbank at dawn.",
            "Stock markets fell sharply on Tuesday after the central bank raised interest rates.",
            "I love it.", "Photosynthesis converts light energy into chemical energy in plants.",
            "Où est la bibliothèque ?", "GPU kernels, tokenizers & numerics: 3.14159 ≈ π", "no",
            "She sells sea shells by the sea shore.", "Transformers use self-attention over token sequences.");
    static final List<String> LONG = List.of(
            "word ".repeat(200), "The history of the region is long and complicated, ".repeat(12),
            "Numbers " + "1 2 3 4 5 6 7 8 9 10 ".repeat(8),
            "Supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopic ".repeat(6));
    static final List<String> FIRST = List.of("A man is playing a guitar.", "Is the sky blue?",
            "The movie was great.", "Two dogs run in the park.", "What is the capital of France?",
            "long premise " + "with many many words ".repeat(20));
    static final List<String> SECOND = List.of("Someone plays an instrument.", "Yes, on a clear day.",
            "It was terrible.", "Animals are outside.", "Paris is the capital of France.", "short hypothesis");

    abstract String modelName();

    private KnownModel model;
    private Checkpoint ckpt;
    private Encoder encoder;
    private OrtReference ort;

    @BeforeAll
    void load() {
        model = ModelRegistry.find(modelName()).orElseThrow();
        ckpt = TestModels.checkpoint(model.name());
        encoder = Encoder.load(ckpt);
        ort = new OrtReference(model.onnxResource());
    }

    @AfterAll
    void close() {
        encoder.close();
        ort.close();
    }

    @Test
    void checkpointHashIsTheOnnxFileHash() throws Exception {
        try (java.io.InputStream in = getClass().getClassLoader().getResourceAsStream(model.onnxResource())) {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
            assertEquals(java.util.HexFormat.of().formatHex(digest), ckpt.sha256());
        }
    }

    @Test
    void onnxMappingIsCompleteAndMatchesTheRegistry() {
        assertEquals(model.config(), ckpt.config(), "config inferred from the ONNX graph vs the registry");
        java.util.Set<String> mapped = new java.util.TreeSet<>(ckpt.tensors().keySet());
        mapped.remove("embeddings.position_ids"); // an int64 buffer in some exports, not a weight
        assertEquals(mapped, new java.util.TreeSet<>(encoder.parametersByName().keySet()),
                "every ONNX weight maps to exactly one encoder parameter and vice versa");
        assertEquals(model.parameterCount(), encoder.parameterCount(), "parameter count");
        assertEquals(model.hasPooler(), encoder.hasPooler(), "pooler");
        long linears = encoder.linears().keySet().stream().filter(n -> n.startsWith("encoder.")).count();
        assertEquals(6L * model.config().numLayers(), linears, "6 Linear modules per layer");
    }

    @Test
    void paddedBatchOfMixedLengths() {
        check(TokenizerOptions.defaults(), tk -> tk.encode(SENTENCES));
    }

    @Test
    void truncatedLongTexts() {
        check(TokenizerOptions.defaults().withMaxLength(40), tk -> {
            TokenBatch b = tk.encode(LONG);
            for (int len : b.lengths()) {
                assertEquals(40, len, "long texts are truncated to --max-length");
            }
            return b;
        });
    }

    @Test
    void sentencePairsLongestFirst() {
        check(TokenizerOptions.defaults().withMaxLength(48), tk -> tk.encodePairs(FIRST, SECOND));
    }

    @Test
    void sentencePairsOnlyFirst() {
        check(TokenizerOptions.defaults().withMaxLength(32).withTruncation(Truncation.ONLY_FIRST),
                tk -> tk.encodePairs(FIRST, SECOND));
    }

    private void check(TokenizerOptions opts, java.util.function.Function<TextTokenizer, TokenBatch> make) {
        TokenBatch b;
        try (TextTokenizer tk = TextTokenizer.load(new io.lorank.model.TokenizerSource.Resource(
                model.tokenizerResource()), opts)) {
            b = make.apply(tk);
        }
        int d = encoder.config().hiddenSize();
        float[][] ref = ort.run(b);
        try (NDManager m = Engines.newManager()) {
            EncoderOutput out = encoder.forward(EncoderInput.of(b, encoder.config(), m));
            float[] last = out.last().toFloatArray();
            assertEquals(ref[0].length, last.length, "hidden state size");
            // Real tokens only: padded rows feed nothing (keys at padding are masked, pooling skips them); there
            // BGE/E5 differ by up to ~6e-4 between the runtimes while real tokens agree to ~5e-6.
            double err = 0;
            double padErr = 0;
            for (int i = 0; i < b.batchSize() * b.length(); i++) {
                for (int k = 0; k < d; k++) {
                    double e = Math.abs((double) ref[0][i * d + k] - last[i * d + k]);
                    if (b.attentionMask()[i] == 1) {
                        err = Math.max(err, e);
                    } else {
                        padErr = Math.max(padErr, e);
                    }
                }
            }
            assertTrue(err <= TOL, modelName() + ": final hidden state (real tokens) max |Δ| " + err + " > " + TOL);
            double[][] refMean = OrtReference.meanPool(ref[0], b, d);
            float[] mean = out.mean().toFloatArray();
            double meanErr = 0;
            for (int i = 0; i < b.batchSize(); i++) {
                for (int k = 0; k < d; k++) {
                    meanErr = Math.max(meanErr, Math.abs(refMean[i][k] - mean[i * d + k]));
                }
            }
            assertTrue(meanErr <= TOL, modelName() + ": mean-pooled max |Δ| " + meanErr + " > " + TOL);
            if (ref.length > 1) {
                NDArray pooler = out.pooler();
                assertTrue(pooler != null, "the ONNX graph has a pooler output, the encoder must too");
                double pErr = maxAbs(ref[1], pooler.toFloatArray());
                assertTrue(pErr <= TOL, modelName() + ": pooler max |Δ| " + pErr + " > " + TOL);
            }
            System.out.printf("%s %dx%d: hidden (real tokens) max|Δ| %.2e, mean max|Δ| %.2e, padding rows %.2e%n",
                    modelName(), b.batchSize(), b.length(), err, meanErr, padErr);
        }
    }

    static double maxAbs(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
