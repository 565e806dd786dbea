package io.lorank.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of lorank's encoder blocks: a DJL {@link AbstractBlock} whose parameters carry their full Hugging Face name
 * ({@code prefix + "." + leaf}, e.g. {@code encoder.layer.3.attention.self.query.weight}), so checkpoints and
 * adapters map one to one.
 *
 * <p>Arrays are set once from a checkpoint ({@link Parameter#setArray}); forward passes read
 * {@link Parameter#getArray()} directly instead of going through a {@code ParameterStore}: the model lives on one
 * device, so there is nothing to copy, and nothing is cached that could go stale.
 */
abstract class HfBlock extends AbstractBlock {
    /** HF module path of this block, e.g. {@code encoder.layer.3.attention.self.query}. */
    protected final String prefix;

    protected HfBlock(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** Expected shape of each direct parameter, checked when a checkpoint is loaded. */
    private final Map<Parameter, long[]> expected = new LinkedHashMap<>();

    protected final Parameter param(String leaf, Parameter.Type type, long... shape) {
        String name = prefix.isEmpty() ? leaf : prefix + "." + leaf;
        Parameter p = addParameter(Parameter.builder().setName(name).setType(type).build());
        expected.put(p, shape);
        return p;
    }

    /** Every parameter of this block and its children, with its expected shape, in declaration order. */
    final void collect(Map<Parameter, long[]> out) {
        out.putAll(expected);
        for (var child : getChildren().values()) {
            if (child instanceof HfBlock h) {
                h.collect(out);
            }
        }
    }

    protected static NDArray value(Parameter p) {
        return p.getArray();
    }

    /** Output shapes are the input shapes for these shape-preserving blocks unless overridden. */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
