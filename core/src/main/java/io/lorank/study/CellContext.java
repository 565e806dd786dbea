package io.lorank.study;

import java.nio.file.Path;

/**
 * What a runner may use besides its spec: where keyed shared artefacts live and where the LM-BFF data is.
 *
 * @param cacheDir folder for keyed artefacts (test-set features, factor caches); names are content hashes
 * @param data     LM-BFF data folder (null: {@code ../shared/data} when present)
 */
public record CellContext(Path cacheDir, Path data) {
    public ArtifactCache cache() {
        return new ArtifactCache(cacheDir);
    }
}
