package io.lorank.finetune;

import io.lorank.LorankException;
import io.lorank.data.Example;
import io.lorank.data.Task;
import io.lorank.eval.Evaluation;
import io.lorank.head.Backbone;
import io.lorank.head.ClassifierHead;
import io.lorank.head.FeatureHead;
import io.lorank.head.HeadKind;
import io.lorank.head.MlmPromptHead;
import io.lorank.head.PoolingFile;
import io.lorank.head.PooledFeatures;
import io.lorank.lora.LoraModel;
import io.lorank.lora.MergedExport;
import io.lorank.lora.PeftAdapter;
import io.lorank.model.Checkpoint;
import io.lorank.model.HostTensor;
import io.lorank.model.ModelRegistry;
import io.lorank.model.ModelSource;
import io.lorank.model.Pooling;
import io.lorank.model.Safetensors;
import io.lorank.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fine-tuned classifier rebuilt for inference: the base model (or a merged folder), an optional PEFT adapter and
 * the head the adapter was trained with ({@link HeadSpec}). The prompt heads are rebuilt exactly as in training:
 * the embedding head's label prototypes at W0, before the adapter is attached; the probe's trained readout is read
 * from the adapter's {@code classifier.*} tensors. A merged folder carries both in {@code lorank_head.json} and
 * {@code lorank_head.safetensors} ({@link #merge}), so it predicts the same logits without the adapter.
 */
public final class TrainedClassifier implements AutoCloseable {
    /** The head's spec in a merged model folder. */
    public static final String HEAD_JSON = "lorank_head.json";
    /** The head's readout (W [C, d] as {@code classifier.weight}, b [C] as {@code classifier.bias}) in a merged folder. */
    public static final String HEAD_WEIGHTS = "lorank_head.safetensors";
    private static final String W = PeftAdapter.HEAD_MODULE + ".weight";
    private static final String B = PeftAdapter.HEAD_MODULE + ".bias";

    private final Checkpoint checkpoint;
    private final Backbone backbone;
    private final ClassifierHead head;
    private final LoraModel lora;
    private final HeadSpec spec;

    private TrainedClassifier(Checkpoint ck, Backbone bb, ClassifierHead head, LoraModel lora, HeadSpec spec) {
        this.checkpoint = ck;
        this.backbone = bb;
        this.head = head;
        this.lora = lora;
        this.spec = spec;
    }

    /**
     * @param model     NAME_OR_PATH (a registered model, an HF folder, a merged folder); null: the adapter's
     *                  {@code base_model_name_or_path}
     * @param adapter   a PEFT adapter folder, or null
     * @param task      overrides the stored task (required when neither the adapter nor the model stores one)
     * @param headKind  overrides the stored head kind (null: stored, else embedding)
     */
    public static TrainedClassifier open(String model, Path adapter, String task, HeadKind headKind) {
        PeftAdapter.Contents c = adapter == null ? null : PeftAdapter.read(adapter);
        if (model == null) {
            model = c == null || c.baseModel() == null ? ModelRegistry.DEFAULT : c.baseModel();
        }
        Path modelDir = Path.of(model);
        HeadSpec stored = null;
        Map<String, HostTensor> readout = Map.of();
        if (c != null) {
            stored = HeadSpec.fromMap(c.lorank(), adapter.resolve(PeftAdapter.LORANK));
            readout = c.head();
        } else if (Files.isRegularFile(modelDir.resolve(HEAD_JSON))) {
            stored = HeadSpec.fromMap(readJson(modelDir.resolve(HEAD_JSON)), modelDir.resolve(HEAD_JSON));
            Path w = modelDir.resolve(HEAD_WEIGHTS);
            readout = Files.isRegularFile(w) ? Safetensors.read(w) : Map.of();
        }
        String taskName = task != null ? task : stored == null ? null : stored.task();
        if (taskName == null) {
            throw new LorankException("--task is required: " + (adapter != null ? adapter + " (a foreign PEFT adapter)"
                    : model) + " does not name the task it was trained on");
        }
        HeadKind kind = headKind != null ? headKind : stored == null ? HeadKind.EMBEDDING : stored.head();
        HeadSpec spec = new HeadSpec(taskName, kind, stored == null ? Backbone.DEFAULT_MAX_LENGTH : stored.maxLength(),
                stored == null ? FeatureHead.DEFAULT_SCALE : stored.scale());
        Task t = Evaluation.resolveTask(taskName);
        Checkpoint ck = ModelSource.load(model);
        Pooling pooling = ModelRegistry.find(model).map(m -> m.pooling())
                .orElseGet(() -> PoolingFile.read(modelDir).orElse(Pooling.MEAN));
        Backbone bb = Backbone.of(ck, pooling, spec.maxLength());
        ClassifierHead head = null;
        LoraModel lm = null;
        try {
            head = head(bb, t, spec, readout, adapter != null ? adapter : modelDir);
            if (c != null) {
                lm = PeftAdapter.attach(bb.encoder(), c, adapter); // after the head: prototypes are taken at W0
            }
            return new TrainedClassifier(ck, bb, head, lm, spec);
        } catch (RuntimeException e) {
            if (head != null) {
                head.close();
            }
            bb.close();
            throw e;
        }
    }

    private static ClassifierHead head(Backbone bb, Task t, HeadSpec spec, Map<String, HostTensor> readout, Path where) {
        if (spec.head() == HeadKind.MLM) {
            return new MlmPromptHead(bb, t);
        }
        if (readout.containsKey(W)) {
            HostTensor w = readout.get(W);
            HostTensor b = readout.get(B);
            int d = bb.encoder().config().hiddenSize();
            if (w.shape().length != 2 || w.shape()[0] != t.numClasses() || w.shape()[1] != d || b == null
                    || b.shape().length != 1 || b.shape()[0] != t.numClasses()) {
                throw new LorankException(where + ": the head " + W + " is " + HostTensor.shapeString(w.shape())
                        + (b == null ? " with no " + B : " and " + B + " " + HostTensor.shapeString(b.shape()))
                        + "; expected [" + t.numClasses() + ", " + d + "] and [" + t.numClasses() + "] for task "
                        + t.name() + " on " + bb.name());
            }
            PooledFeatures f = new PooledFeatures(bb, t, spec.head() == HeadKind.EMBEDDING
                    ? PooledFeatures.Input.PROMPT : PooledFeatures.Input.TEXT);
            return FeatureHead.readout(spec.head(), f, rows(w), doubles(b.data()));
        }
        if (spec.head() == HeadKind.PROBE) {
            throw new LorankException(where + ": the probe head needs its trained readout (" + W + ", " + B
                    + "), which is not there; pass the adapter folder lorank finetune --head probe wrote");
        }
        return FeatureHead.embedding(bb, t, spec.scale());
    }

    /** Logits [N][C] of {@code examples} (dropout off). */
    public double[][] logits(List<Example> examples) {
        if (lora != null) {
            lora.setTraining(false);
        }
        return Trainer.logits(head, examples);
    }

    public Task task() {
        return head.task();
    }

    public HeadSpec spec() {
        return spec;
    }

    public Backbone backbone() {
        return backbone;
    }

    /**
     * Folds the adapter into the base weights and writes {@code out} as an HF folder {@code --model} accepts:
     * {@link MergedExport}'s files, {@code 1_Pooling/config.json}, and the head ({@link #HEAD_JSON}; for the
     * feature heads {@link #HEAD_WEIGHTS} with the readout — the embedding head's W0 prototypes included, since
     * recomputing them on the merged weights would change the classifier).
     */
    public void merge(Path out) {
        if (lora != null) {
            lora.merge();
        }
        List<HostTensor> headTensors = new ArrayList<>();
        if (head instanceof FeatureHead fh) {
            double[][] w = fh.weight();
            int d = w[0].length;
            float[] wf = new float[w.length * d];
            for (int c = 0; c < w.length; c++) {
                for (int j = 0; j < d; j++) {
                    wf[c * d + j] = (float) w[c][j];
                }
            }
            double[] b = fh.bias();
            float[] bf = new float[b.length];
            for (int c = 0; c < b.length; c++) {
                bf[c] = (float) b[c];
            }
            headTensors.add(new HostTensor(W, new long[] {w.length, d}, wf));
            headTensors.add(new HostTensor(B, new long[] {b.length}, bf));
        }
        Map<String, Object> meta = new LinkedHashMap<>(spec.toMap());
        MergedExport.write(out, backbone.encoder(), checkpoint.tokenizer(), tmp -> {
            PoolingFile.write(tmp, backbone.pooling(), backbone.encoder().config().hiddenSize());
            io.lorank.util.AtomicFiles.writeString(tmp.resolve(HEAD_JSON), Json.write(meta) + "\n");
            if (!headTensors.isEmpty()) {
                Safetensors.write(tmp.resolve(HEAD_WEIGHTS), headTensors, io.lorank.model.Dtype.F32);
            }
        });
    }

    private static double[][] rows(HostTensor w) {
        int c = (int) w.shape()[0];
        int d = (int) w.shape()[1];
        double[][] out = new double[c][d];
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = w.data()[i * d + j];
            }
        }
        return out;
    }

    private static double[] doubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readJson(Path f) {
        try {
            return Json.MAPPER.readValue(f.toFile(), Map.class);
        } catch (IOException e) {
            throw new LorankException(f + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")");
        }
    }

    @Override
    public void close() {
        try {
            if (lora != null) {
                lora.close();
            }
            head.close();
        } finally {
            backbone.close();
        }
    }
}
