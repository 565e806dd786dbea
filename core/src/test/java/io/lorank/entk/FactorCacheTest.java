package io.lorank.entk;

import io.lorank.data.Example;
import io.lorank.encoder.LinearTarget;
import io.lorank.linearized.GradientFactors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The factor cache: reused for the same key, invalidated when model, split, targets or head change; atomic files. */
class FactorCacheTest {
    private static final List<LinearTarget> TARGETS = List.of(new LinearTarget("encoder.layer.0.attention.self.query", 3, 4),
            new LinearTarget("encoder.layer.0.attention.self.value", 2, 4));
    private static final List<Example> TRAIN = List.of(new Example("train.tsv:2", "a fine film", null, 1),
            new Example("train.tsv:3", "a dull film", null, 0));

    private static FactorExtractor.Extraction extraction(long seed) {
        Random rnd = new Random(seed);
        int[] off = {0, 2, 5};
        int k = 2;
        float[][] x = new float[2][];
        float[][] d = new float[2][];
        for (int l = 0; l < 2; l++) {
            x[l] = new float[5 * TARGETS.get(l).in()];
            d[l] = new float[k * 5 * TARGETS.get(l).out()];
            for (int j = 0; j < x[l].length; j++) {
                x[l][j] = (float) rnd.nextGaussian();
            }
            for (int j = 0; j < d[l].length; j++) {
                d[l][j] = (float) rnd.nextGaussian();
            }
        }
        return new FactorExtractor.Extraction(new GradientFactors(TARGETS, k, off, x, d),
                new double[][] {{rnd.nextGaussian(), rnd.nextGaussian()}, {rnd.nextGaussian(), rnd.nextGaussian()}});
    }

    private static FactorCache.Key key(String sha, int seed, List<Example> train, List<LinearTarget> targets, String head) {
        return FactorCache.Key.of(sha, "SST-2", 16, seed, train, targets, head, 2, 256);
    }

    private static void assertSame(FactorExtractor.Extraction a, FactorExtractor.Extraction b) {
        GradientFactors fa = a.factors();
        GradientFactors fb = b.factors();
        assertEquals(fa.targets(), fb.targets());
        assertEquals(fa.outputs(), fb.outputs());
        assertArrayEquals(fa.offsets(), fb.offsets());
        for (int l = 0; l < fa.targets().size(); l++) {
            assertArrayEquals(fa.x()[l], fb.x()[l], 0f, "X target " + l + " bit for bit");
            assertArrayEquals(fa.d()[l], fb.d()[l], 0f, "D target " + l + " bit for bit");
        }
        for (int i = 0; i < a.f0().length; i++) {
            assertArrayEquals(a.f0()[i], b.f0()[i], 0.0, "f0 row " + i);
        }
    }

    @Test
    void sameKeyIsReusedBitForBit(@TempDir Path dir) {
        FactorCache cache = new FactorCache(dir);
        AtomicInteger calls = new AtomicInteger();
        FactorExtractor.Extraction original = extraction(1);
        FactorCache.Key k = key("aa", 13, TRAIN, TARGETS, "embedding/scale=20.0");
        boolean[] hit = new boolean[1];
        FactorExtractor.Extraction first = cache.getOrExtract(k, () -> {
            calls.incrementAndGet();
            return original;
        }, hit);
        assertFalse(hit[0], "first use extracts");
        FactorExtractor.Extraction second = cache.getOrExtract(key("aa", 13, List.copyOf(TRAIN), TARGETS, "embedding/scale=20.0"), () -> {
            calls.incrementAndGet();
            return extraction(2);
        }, hit);
        assertTrue(hit[0], "an equal key reads the file");
        assertEquals(1, calls.get(), "extracted once");
        assertSame(original, first);
        assertSame(original, second);
    }

    @Test
    void modelSplitTargetsOrHeadChangeInvalidates(@TempDir Path dir) {
        FactorCache cache = new FactorCache(dir);
        FactorCache.Key base = key("aa", 13, TRAIN, TARGETS, "embedding/scale=20.0");
        cache.write(base, extraction(1));
        assertTrue(cache.read(base).isPresent());
        List<Example> otherSplit = List.of(TRAIN.get(0), new Example("train.tsv:9", "a dull film", null, 0));
        List<Example> relabelled = List.of(TRAIN.get(0), new Example("train.tsv:3", "a dull film", null, 1));
        List<FactorCache.Key> others = List.of(
                key("bb", 13, TRAIN, TARGETS, "embedding/scale=20.0"),                  // other weights
                key("aa", 21, TRAIN, TARGETS, "embedding/scale=20.0"),                  // other split seed
                key("aa", 13, otherSplit, TARGETS, "embedding/scale=20.0"),             // other examples
                key("aa", 13, relabelled, TARGETS, "embedding/scale=20.0"),             // other labels
                key("aa", 13, TRAIN, TARGETS.subList(0, 1), "embedding/scale=20.0"),    // other targets
                key("aa", 13, TRAIN, TARGETS, "embedding/binary/scale=20.0"),           // other head view
                FactorCache.Key.of("aa", "SST-2", 8, 13, TRAIN, TARGETS, "embedding/scale=20.0", 2, 256),  // other shots
                FactorCache.Key.of("aa", "SST-2", 16, 13, TRAIN, TARGETS, "embedding/scale=20.0", 2, 128)); // other length
        for (FactorCache.Key o : others) {
            assertNotEquals(cache.file(base), cache.file(o), o.json());
            assertTrue(cache.read(o).isEmpty(), "must miss: " + o.json());
        }
    }

    @Test
    void truncatedOrForeignFileIsAMissAndIsRewritten(@TempDir Path dir) throws IOException {
        FactorCache cache = new FactorCache(dir);
        FactorCache.Key k = key("aa", 13, TRAIN, TARGETS, "mlm");
        cache.write(k, extraction(1));
        Path f = cache.file(k);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 7));
        assertTrue(cache.read(k).isEmpty(), "truncated");
        Files.write(f, java.util.Arrays.copyOf(all, all.length + 1));
        assertTrue(cache.read(k).isEmpty(), "trailing bytes");
        Files.writeString(f, "not a factor file");
        assertTrue(cache.read(k).isEmpty(), "foreign");
        FactorExtractor.Extraction fresh = extraction(3);
        assertSame(fresh, cache.getOrExtract(k, () -> fresh, null));
        assertSame(fresh, cache.read(k).orElseThrow());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f.getFileName().toString()), files.map(p -> p.getFileName().toString()).toList(),
                    "only the cache file: no temp file left behind");
        }
    }

    @Test
    void configuredDirectoryAndOff() {
        String old = System.getProperty("lorank.factor-cache");
        try {
            System.setProperty("lorank.factor-cache", "off");
            assertTrue(FactorCache.configured().isEmpty());
            System.setProperty("lorank.factor-cache", "/tmp/x-cache");
            assertEquals(Path.of("/tmp/x-cache"), FactorCache.configured().orElseThrow().dir());
        } finally {
            if (old == null) {
                System.clearProperty("lorank.factor-cache");
            } else {
                System.setProperty("lorank.factor-cache", old);
            }
        }
    }

    @Test
    void bf16FactorsAreStoredInHalfTheBytesAndReadBackExactly(@TempDir Path dir) throws IOException {
        FactorCache cache = new FactorCache(dir);
        FactorExtractor.Extraction fp32 = extraction(5);
        FactorExtractor.Extraction bf16 = new FactorExtractor.Extraction(fp32.factors().roundedToBf16(), fp32.f0());
        FactorCache.Key k32 = key("m", 13, TRAIN, TARGETS, "embedding");
        FactorCache.Key k16 = FactorCache.Key.of("m", "SST-2", 16, 13, TRAIN, TARGETS, "embedding", 2, 256, FactorDtype.BF16);
        assertNotEquals(cache.file(k32), cache.file(k16), "the dtype is part of the key");
        cache.write(k32, fp32);
        cache.write(k16, bf16);
        assertFalse(cache.read(k16).isEmpty());
        assertSame(bf16, cache.read(k16).orElseThrow()); // bitwise: the rounded values survive the 16-bit store
        long floats = 0;
        for (int l = 0; l < 2; l++) {
            floats += fp32.factors().x()[l].length + fp32.factors().d()[l].length;
        }
        long size32 = Files.size(cache.file(k32));
        long size16 = Files.size(cache.file(k16));
        assertEquals(2 * floats, size32 - size16, "2 bytes saved per stored value");
    }
}
