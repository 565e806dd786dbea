package io.lorank.model;

/**
 * A pretrained encoder shipped inside a Maven model jar on the classpath.
 *
 * @param name        lorank's name for it ({@code lorank embed --model NAME})
 * @param hfId        the Hugging Face model it was exported from
 * @param artifact    Maven coordinates of the jar that carries the files
 * @param onnxResource classpath resource of the fp32 ONNX file
 * @param tokenizerResource classpath resource of its tokenizer.json
 * @param pooling     the pooling the model was trained with
 * @param config      its shape (checked against the ONNX graph by a test)
 * @param hasPooler   whether the export carries {@code pooler.dense.*}
 */
public record KnownModel(String name, String hfId, String artifact, String onnxResource, String tokenizerResource,
                         Pooling pooling, EncoderConfig config, boolean hasPooler) {

    /** Number of weights, from the config. */
    public long parameterCount() {
        return config.parameterCount(hasPooler);
    }
}
