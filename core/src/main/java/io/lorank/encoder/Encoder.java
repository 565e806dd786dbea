package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.lorank.LorankException;
import io.lorank.engine.Engines;
import io.lorank.model.Checkpoint;
import io.lorank.model.EncoderConfig;
import io.lorank.model.HostTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A BERT-layout encoder (BERT, RoBERTa, MiniLM, BGE, E5) as DJL blocks with Hugging Face parameter names:
 * embeddings → L × {@link EncoderLayer} → optional {@link Pooler} and {@link MlmHead}.
 *
 * <p>Life cycle: {@link #load} copies a checkpoint's tensors into the encoder's own {@link NDManager} (checking
 * every name and shape); {@link #close} frees them. Forward outputs live in the input's manager. Parameters do not
 * require gradients until {@link #setTrainable}; gradients accumulate across backward passes (libtorch semantics),
 * so call {@link #zeroGradients} before each one.
 */
public final class Encoder extends HfBlock implements AutoCloseable {
    private final EncoderConfig config;
    private final String name;
    private final NDManager manager;
    private final DataType dataType;
    private final Embeddings embeddings;
    private final List<EncoderLayer> layers = new ArrayList<>();
    private final Pooler pooler;
    private final MlmHead mlm;
    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final Map<String, Linear> linears = new LinkedHashMap<>();

    private Encoder(Checkpoint ckpt, DataType dataType) {
        super("");
        this.config = ckpt.config();
        this.name = ckpt.name();
        this.dataType = dataType;
        Map<String, HostTensor> t = ckpt.tensors();
        embeddings = addChildBlock("embeddings", new Embeddings(config));
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(addChildBlock("layer" + i, new EncoderLayer(i, config)));
        }
        pooler = t.containsKey("pooler.dense.weight") ? addChildBlock("pooler", new Pooler(config.hiddenSize())) : null;
        String head = MlmHead.prefixFor(config.architecture());
        boolean hasMlm = t.containsKey(head + ".transform.dense.weight") || t.containsKey(head + ".dense.weight");
        mlm = hasMlm ? addChildBlock("mlm", new MlmHead(config, embeddings.wordEmbeddings(),
                t.containsKey(head + ".decoder.weight"))) : null;
        manager = Engines.newManager();
    }

    /** Loads a checkpoint in fp32. */
    public static Encoder load(Checkpoint ckpt) {
        return load(ckpt, DataType.FLOAT32);
    }

    /** Loads a checkpoint with parameters of {@code dataType} (FLOAT32, or FLOAT64 for tight gradient checks). */
    public static Encoder load(Checkpoint ckpt, DataType dataType) {
        Encoder e = new Encoder(ckpt, dataType);
        try {
            Map<Parameter, long[]> expected = new LinkedHashMap<>();
            e.collect(expected);
            expected.forEach((p, shape) -> e.attach(ckpt, p, shape));
            e.collectLinears(e);
            return e;
        } catch (RuntimeException ex) {
            e.close();
            throw ex;
        }
    }

    private void attach(Checkpoint ckpt, Parameter p, long[] shape) {
        HostTensor t = ckpt.tensors().get(p.getName());
        String where = ckpt.weightsFile();
        if (t == null) {
            throw new LorankException(where + ": tensor " + p.getName() + " is missing (expected "
                    + HostTensor.shapeString(shape) + "); is this a " + config.architecture().modelType()
                    + " encoder with Hugging Face parameter names?");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new LorankException(where + ": " + p.getName() + " is " + HostTensor.shapeString(t.shape())
                    + ", expected " + HostTensor.shapeString(shape) + " from the config (hidden_size "
                    + config.hiddenSize() + ", intermediate_size " + config.intermediateSize() + ", vocab_size "
                    + config.vocabSize() + "); do the config and the weights belong to the same model?");
        }
        NDArray a = manager.create(t.data(), new Shape(shape));
        if (dataType != DataType.FLOAT32) {
            NDArray cast = a.toType(dataType, false);
            a.close();
            a = cast;
        }
        p.setArray(a);
        byName.put(p.getName(), p);
    }

    private void collectLinears(HfBlock block) {
        for (var child : block.getChildren().values()) {
            if (child instanceof Linear l) {
                linears.put(l.prefix(), l);
            } else if (child instanceof HfBlock h) {
                collectLinears(h);
            }
        }
    }

    /**
     * The Linear modules of the encoder layers a config describes, as {@link LinearTarget}s in HF order, derived from
     * the same blocks {@link #load} builds (no weights are read or allocated).
     */
    public static List<LinearTarget> linearTargets(EncoderConfig config) {
        List<LinearTarget> out = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            collectTargets(new EncoderLayer(i, config), out);
        }
        return List.copyOf(out);
    }

    /** The loaded encoder's Linear modules (layers, then pooler and MLM head if present) as targets, in HF order. */
    public List<LinearTarget> targets() {
        return linears.values().stream().map(l -> new LinearTarget(l.prefix(), l.outFeatures(), l.inFeatures())).toList();
    }

    private static void collectTargets(HfBlock block, List<LinearTarget> out) {
        for (var child : block.getChildren().values()) {
            if (child instanceof Linear l) {
                out.add(new LinearTarget(l.prefix(), l.outFeatures(), l.inFeatures()));
            } else if (child instanceof HfBlock h) {
                collectTargets(h, out);
            }
        }
    }

    /** Forward without taps. */
    public EncoderOutput forward(EncoderInput in) {
        return forward(in, null);
    }

    /** Forward; {@code taps} (nullable) records the inputs and output-gradient probes of named Linears. */
    public EncoderOutput forward(EncoderInput in, LinearTaps taps) {
        long b = in.batchSize();
        long t = in.length();
        NDArray mask = in.mask().toType(dataType, false);                                        // [B, T]
        if (taps != null) {
            taps.recordMask(in.mask());
        }
        double min = dataType == DataType.FLOAT64 ? -Double.MAX_VALUE : -Float.MAX_VALUE;
        NDArray bias = mask.neg().add(1).mul(min).reshape(b, 1, 1, t);                          // [B, 1, 1, T]
        List<NDArray> hidden = new ArrayList<>(layers.size() + 1);
        NDArray h;
        try (NDScope scope = new NDScope()) {
            h = embeddings.forward(in.ids(), in.positions(), in.types());                      // [B, T, d]
            NDScope.unregister(h);
        }
        hidden.add(h);
        for (EncoderLayer layer : layers) {
            try (NDScope scope = new NDScope()) { // frees the layer's intermediates (autograd keeps what it needs)
                h = layer.forward(h, bias, taps);                                              // [B, T, d]
                NDScope.unregister(h);
            }
            hidden.add(h);
        }
        NDArray pooled = null;
        if (pooler != null) {
            pooled = pooler.forward(h.get(":, 0, :"));                                        // [B, d]
        }
        return new EncoderOutput(Collections.unmodifiableList(hidden), mask, pooled);
    }

    /** MLM logits [..., V] for hidden states [..., d] (gather the mask positions first). */
    public NDArray mlmLogits(NDArray hidden) {
        if (mlm == null) {
            throw new LorankException(name + ": this checkpoint has no masked-LM head ("
                    + MlmHead.prefixFor(config.architecture()) + ".*); use a *ForMaskedLM checkpoint");
        }
        return mlm.forward(hidden);
    }

    public boolean hasMlmHead() {
        return mlm != null;
    }

    public boolean hasPooler() {
        return pooler != null;
    }

    /** The array of a parameter by HF name, e.g. {@code encoder.layer.3.attention.self.query.weight}. */
    public NDArray parameter(String hfName) {
        Parameter p = byName.get(hfName);
        if (p == null) {
            throw new LorankException(name + ": no parameter " + hfName + "; parameters are named as in Hugging "
                    + "Face, e.g. encoder.layer.0.attention.self.query.weight");
        }
        return p.getArray();
    }

    /** Every parameter by HF name, in model order. */
    public Map<String, Parameter> parametersByName() {
        return Collections.unmodifiableMap(byName);
    }

    /** The Linear modules by HF module name (e.g. {@code encoder.layer.0.attention.self.query}). */
    public Map<String, Linear> linears() {
        return Collections.unmodifiableMap(linears);
    }

    /** Number of weights. */
    public long parameterCount() {
        return byName.values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    /** Marks the parameters whose HF name matches as requiring gradients, and the others as not. */
    public void setTrainable(Predicate<String> names) {
        byName.forEach((n, p) -> p.getArray().setRequiresGradient(names.test(n)));
    }

    /** Sets every existing parameter gradient to zero (libtorch accumulates them across backward passes). */
    public void zeroGradients() {
        for (Parameter p : byName.values()) {
            NDArray a = p.getArray();
            if (a.hasGradient()) {
                try (NDArray g = a.getGradient()) {
                    g.subi(g);
                } catch (IllegalStateException noGradientYet) {
                    // requires a gradient but no backward has run: nothing to zero
                }
            }
        }
    }

    public EncoderConfig config() {
        return config;
    }

    public String name() {
        return name;
    }

    public DataType dataType() {
        return dataType;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        EncoderOutput out = forward(new EncoderInput(in.get(0), in.get(1), in.get(2), in.get(3)));
        return new NDList(out.last());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.hiddenSize())};
    }

    @Override
    public void close() {
        manager.close();
    }
}
