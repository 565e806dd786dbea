package io.lorank.data;

import io.lorank.LorankException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FewShotSamplerTest {
    /** 3 classes of 50, 70 and 40 rows, interleaved. */
    static List<Example> pool() {
        List<Example> p = new ArrayList<>();
        int[] sizes = {50, 70, 40};
        for (int i = 0; i < 70; i++) {
            for (int c = 0; c < 3; c++) {
                if (i < sizes[c]) {
                    p.add(new Example("f:" + (p.size() + 1), "text " + c + "-" + i, null, c));
                }
            }
        }
        return p;
    }

    @Test
    void sameSeedSameSplitDifferentSeedDifferent() {
        List<Example> pool = pool();
        List<List<Example>> a = FewShotSampler.sample(pool, 3, 16, 13, "pool");
        List<List<Example>> b = FewShotSampler.sample(pool, 3, 16, 13, "pool");
        assertEquals(a, b);
        for (int seed : List.of(21, 42, 87, 100)) {
            assertNotEquals(a.get(0), FewShotSampler.sample(pool, 3, 16, seed, "pool").get(0), "seed " + seed);
        }
    }

    @Test
    void exactPerClassCountsAndDisjoint() {
        List<List<Example>> s = FewShotSampler.sample(pool(), 3, 16, 42, "pool");
        assertArrayEquals(new int[]{16, 16, 16}, FewShotSplit.classCounts(s.get(0), 3));
        assertArrayEquals(new int[]{16, 16, 16}, FewShotSplit.classCounts(s.get(1), 3));
        Set<String> ids = new HashSet<>();
        s.get(0).forEach(e -> ids.add(e.id()));
        s.get(1).forEach(e -> assertTrue(ids.add(e.id()), "train and dev overlap at " + e.id()));
    }

    @Test
    void followsLmBffProcedure() {
        // shuffle with NumPy seed, group by label in order of first appearance, first k train, next k dev
        List<Example> pool = pool();
        List<Example> shuffled = new ArrayList<>(pool);
        NumpyShuffle.shuffle(shuffled, 87);
        int firstLabel = shuffled.get(0).label();
        List<Example> train = FewShotSampler.sample(pool, 3, 4, 87, "pool").get(0);
        assertEquals(firstLabel, train.get(0).label());
        List<Example> firstGroup = shuffled.stream().filter(e -> e.label() == firstLabel).toList();
        assertEquals(firstGroup.subList(0, 4), train.subList(0, 4));
    }

    @Test
    void tooFewExamplesIsAUserError() {
        LorankException e = assertThrows(LorankException.class, () -> FewShotSampler.sample(pool(), 3, 25, 13, "pool"));
        assertTrue(e.getMessage().startsWith("pool: class 2 has 40 examples, need 50"), e.getMessage());
    }

    @Test
    void testCapIsASeed42Prefix() {
        List<Example> big = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            big.add(new Example("t:" + i, "x" + i, null, i % 2));
        }
        List<Example> capped = FewShotSampler.capTest(big, 1000);
        assertEquals(1000, capped.size());
        assertEquals(capped, FewShotSampler.capTest(big, 1000));
        List<Example> s = new ArrayList<>(big);
        NumpyShuffle.shuffle(s, 42);
        assertEquals(s.subList(0, 1000), capped);
        assertEquals(big.subList(0, 10), FewShotSampler.capTest(big.subList(0, 10), 1000));
        // pandas' df.sample(n=1000, random_state=42) on 2,000 rows picks, per NumPy 2.4.6,
        // RandomState(42).choice(2000, 1000, replace=False)[:6] == [1860, 353, 1333, 905, 1289, 1273]
        List<Example> two = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            two.add(new Example("t:" + i, "x" + i, null, 0));
        }
        List<String> first = FewShotSampler.capTest(two, 1000).subList(0, 6).stream().map(Example::id).toList();
        assertEquals(List.of("t:1860", "t:353", "t:1333", "t:905", "t:1289", "t:1273"), first);
    }

    @Test
    void colaEarlierSeeds() {
        assertEquals(List.of(100, 13, 21), FewShotSampler.lmBffEarlierSeeds(42));
        assertEquals(List.of(), FewShotSampler.lmBffEarlierSeeds(100));
    }
}
