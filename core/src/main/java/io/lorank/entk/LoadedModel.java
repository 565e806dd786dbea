package io.lorank.entk;

import io.lorank.head.Backbone;
import io.lorank.model.Checkpoint;
import io.lorank.model.ModelRegistry;
import io.lorank.model.ModelSource;
import io.lorank.model.Pooling;

/**
 * A {@link Backbone} with the SHA-256 of the weights it was loaded from (the factor cache's key), read once.
 *
 * @param backbone  the encoder, tokenizer and pooling (owned: close this)
 * @param sha256    hex SHA-256 of the weight bytes as stored ({@link Checkpoint#sha256()})
 */
record LoadedModel(Backbone backbone, String sha256) implements AutoCloseable {
    /** NAME_OR_PATH as {@link Backbone#load}, keeping the checkpoint's hash. */
    static LoadedModel load(String model, int maxLength) {
        Pooling pooling = ModelRegistry.find(model).map(m -> m.pooling()).orElse(Pooling.MEAN);
        Checkpoint ckpt = ModelSource.load(model);
        return new LoadedModel(Backbone.of(ckpt, pooling, maxLength), ckpt.sha256());
    }

    @Override
    public void close() {
        backbone.close();
    }
}
