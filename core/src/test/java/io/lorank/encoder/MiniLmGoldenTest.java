package io.lorank.encoder;

/** Golden chain for all-minilm-l6-v2 (see {@link GoldenChainContract}). */
class MiniLmGoldenTest extends GoldenChainContract {
    @Override
    String modelName() {
        return "all-minilm-l6-v2";
    }
}
