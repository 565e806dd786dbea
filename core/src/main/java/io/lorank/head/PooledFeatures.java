package io.lorank.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.lorank.data.Example;
import io.lorank.data.Task;
import io.lorank.encoder.Encoder;
import io.lorank.encoder.EncoderInput;
import io.lorank.engine.Engines;
import io.lorank.text.TokenBatch;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The feature map of the embedding and probe heads: φ(x) = p(x) / ‖p(x)‖₂ [d], p = the backbone's pooled final
 * hidden state (mean or CLS) of what the encoder reads for x ({@link Input}). The unit norm matches how
 * sentence-embedding models are used (sentence-transformers ends all-MiniLM-L6-v2 with a Normalize module) and
 * puts every feature on the same scale for the probe's L2 penalty.
 */
public final class PooledFeatures {
    /** What the encoder reads for an example. */
    public enum Input {
        /**
         * The task's LM-BFF template as plain text, the tokenizer adding its own [CLS]/[SEP]: the mask is deleted
         * and a punctuation mark it leaves at the start is dropped ("a gorgeous film . It was." ;
         * NLI "s1? , s2" without a word; WordNet/TREC "a theory of ..." without the leading ":").
         */
        PROMPT,
        /** The raw text, or the pair through the tokenizer's pair template ([CLS] s1 [SEP] s2 [SEP], token types). */
        TEXT
    }

    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern LEADING_PUNCT = Pattern.compile("^[\\s:;,.?!]+");

    private final Backbone backbone;
    private final Task task;
    private final Input input;

    public PooledFeatures(Backbone backbone, Task task, Input input) {
        this.backbone = backbone;
        this.task = task;
        this.input = input;
    }

    /** The plain prompt text of an example ({@link Input#PROMPT}). */
    public static String promptText(Task task, Example e) {
        String s = task.template().renderPlain(e.texts(), "");
        s = SPACES.matcher(s).replaceAll(" ").strip();
        return LEADING_PUNCT.matcher(s).replaceFirst("");
    }

    /** φ of a batch [B, d] in the encoder's float type, differentiable w.r.t. trainable encoder parameters. */
    public NDArray forward(List<Example> batch, NDManager m) {
        return forward(batch, m, null);
    }

    /** φ of a batch [B, d], its encoder forward tapped by {@code taps} (nullable). */
    public NDArray forward(List<Example> batch, NDManager m, io.lorank.encoder.LinearTaps taps) {
        TokenBatch tb;
        if (input == Input.PROMPT) {
            List<String> texts = new ArrayList<>(batch.size());
            for (Example e : batch) {
                texts.add(promptText(task, e));
            }
            tb = backbone.tokenizer().encode(texts);
        } else if (batch.get(0).textPair() != null) {
            List<String> a = new ArrayList<>(batch.size());
            List<String> b = new ArrayList<>(batch.size());
            for (Example e : batch) {
                a.add(e.text());
                b.add(e.textPair() == null ? "" : e.textPair());
            }
            tb = backbone.tokenizer().encodePairs(a, b);
        } else {
            tb = backbone.tokenizer().encode(batch.stream().map(Example::text).toList());
        }
        return normalizedPooled(tb, m, taps);
    }

    /** φ of plain texts (label descriptions) [N, d]. */
    public NDArray forwardTexts(List<String> texts, NDManager m) {
        return normalizedPooled(backbone.tokenizer().encode(texts), m, null);
    }

    private NDArray normalizedPooled(TokenBatch tb, NDManager m, io.lorank.encoder.LinearTaps taps) {
        Encoder enc = backbone.encoder();
        NDArray p = enc.forward(EncoderInput.of(tb, enc.config(), m), taps).pooled(backbone.pooling());   // [B, d]
        return p.div(io.lorank.engine.GradSafe.atLeast(p.norm(new int[] {1}, true), 1e-12));                                // [B, d]
    }

    /** φ of many examples [N][d], batched by length, with a progress bar for large sets (no gradients). */
    public double[][] features(List<Example> examples) {
        return Batching.map(examples, dim(), task.name() + " features", batch -> {
            try (NDManager m = Engines.newManager()) {
                return forward(batch, m).toType(DataType.FLOAT32, false).toFloatArray();
            }
        });
    }

    public int dim() {
        return backbone.encoder().config().hiddenSize();
    }

    public Input input() {
        return input;
    }

    public Task task() {
        return task;
    }

    public Backbone backbone() {
        return backbone;
    }
}
