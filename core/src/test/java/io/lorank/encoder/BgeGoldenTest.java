package io.lorank.encoder;

/** Golden chain for bge-small-en-v1.5 (see {@link GoldenChainContract}). */
class BgeGoldenTest extends GoldenChainContract {
    @Override
    String modelName() {
        return "bge-small-en-v1.5";
    }
}
