package io.lorank.encoder;

/**
 * A Linear module of the encoder that LoRA (real or linearized) and the eNTK can target: its Hugging Face module
 * name ({@code encoder.layer.3.attention.self.query}) and its weight's shape W [out = m, in = n]. This is lorank's
 * one target type: the fine-tuning adapters, the gradient factors, the bounds and the certificates all name their
 * targets with it.
 *
 * @param name HF module name (the parameter name without {@code .weight})
 * @param out  m, rows of W
 * @param in   n, columns of W
 */
public record LinearTarget(String name, int out, int in) {
    /** The module's name relative to its layer, e.g. {@code attention.self.query}; the full name outside layers. */
    public String layerRelativeName() {
        String p = "encoder.layer.";
        if (name.startsWith(p)) {
            int dot = name.indexOf('.', p.length());
            if (dot > 0) {
                return name.substring(dot + 1);
            }
        }
        return name;
    }

    /** The layer index, or -1 for a module outside the encoder layers. */
    public int layer() {
        String p = "encoder.layer.";
        if (!name.startsWith(p)) {
            return -1;
        }
        int dot = name.indexOf('.', p.length());
        return Integer.parseInt(name.substring(p.length(), dot < 0 ? name.length() : dot));
    }
}
