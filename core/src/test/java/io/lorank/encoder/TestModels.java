package io.lorank.encoder;

import io.lorank.model.Checkpoint;
import io.lorank.model.ModelRegistry;
import io.lorank.model.ModelSource;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Parses each model jar's ONNX file once per test JVM (2-3 s each); checkpoints are immutable host arrays. */
final class TestModels {
    private static final Map<String, Checkpoint> CACHE = new ConcurrentHashMap<>();

    private TestModels() {
    }

    static Checkpoint checkpoint(String name) {
        return CACHE.computeIfAbsent(name, n -> ModelSource.loadKnown(ModelRegistry.find(n).orElseThrow()));
    }
}
