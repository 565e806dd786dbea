package io.lorank.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Goldens from NumPy 2.4.6: {@code np.random.seed(s); x = list(range(n)); np.random.shuffle(x)}. */
class NumpyShuffleTest {
    private static List<Integer> range(int n) {
        List<Integer> x = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            x.add(i);
        }
        return x;
    }

    @Test
    void stateAfterSeedMatchesNumpy() {
        // np.random.seed(42); np.random.get_state()[1][:3] == [42, 3107752595, 1895908407]; first output of
        // genrand_int32 after init_genrand(5489) is the MT19937 reference value 3499211612.
        NumpyShuffle ref = new NumpyShuffle(5489);
        assertEquals(3499211612L, ref.nextUint32());
    }

    @Test
    void shuffleMatchesNumpy() {
        List<Integer> a = range(10);
        NumpyShuffle.shuffle(a, 13);
        assertEquals(List.of(3, 5, 6, 1, 4, 7, 8, 9, 0, 2), a);
        List<Integer> b = range(10);
        NumpyShuffle.shuffle(b, 42);
        assertEquals(List.of(8, 1, 5, 0, 7, 2, 9, 4, 3, 6), b);
        List<Integer> c = range(1000);
        NumpyShuffle.shuffle(c, 5);
        assertEquals(List.of(544, 515, 193, 11, 279, 653, 643, 763), c.subList(0, 8));
    }
}
