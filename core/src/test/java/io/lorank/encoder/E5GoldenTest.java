package io.lorank.encoder;

/** Golden chain for e5-small-v2 (see {@link GoldenChainContract}). */
class E5GoldenTest extends GoldenChainContract {
    @Override
    String modelName() {
        return "e5-small-v2";
    }
}
