package io.lorank.data;

import java.util.Collections;
import java.util.List;

/**
 * A re-implementation of NumPy's legacy {@code np.random.seed(s); np.random.shuffle(x)}: the MT19937 generator
 * seeded by {@code init_genrand(s)} and the Fisher-Yates loop {@code for i in n-1..1: j = random_interval(i);
 * swap(i, j)}, where {@code random_interval(max)} draws 32-bit words masked to the smallest all-ones mask covering
 * {@code max} and rejects values above it. This is the shuffle LM-BFF's {@code tools/generate_k_shot_data.py} and
 * LM-Kernel-FT's 1k-test cap use, so the same seed gives the same order here as there, on every machine
 * (checked against NumPy 2.x goldens and against LM-BFF's published k-shot files in the tests).
 */
public final class NumpyShuffle {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int mti;

    /** A generator in the state {@code np.random.seed(seed)} leaves (seed in [0, 2^32)). */
    public NumpyShuffle(long seed) {
        if (seed < 0 || seed > 0xffffffffL) {
            throw new IllegalArgumentException("seed must be in [0, 2^32), got " + seed);
        }
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        mti = N;
    }

    /** The next 32-bit output of MT19937 ({@code genrand_int32}), as an unsigned value in a long. */
    public long nextUint32() {
        if (mti >= N) {
            twist();
        }
        int y = mt[mti++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    private void twist() {
        for (int k = 0; k < N; k++) {
            int y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
            int v = mt[(k + M) % N] ^ (y >>> 1);
            if ((y & 1) != 0) {
                v ^= 0x9908b0df;
            }
            mt[k] = v;
        }
        mti = 0;
    }

    /** A uniform integer in [0, max] by NumPy's legacy masked rejection ({@code max < 2^32}). */
    public long randomInterval(long max) {
        if (max == 0) {
            return 0;
        }
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        long value;
        do {
            value = nextUint32() & mask;
        } while (value > max);
        return value;
    }

    /** Shuffles {@code list} in place, exactly as {@code np.random.shuffle} does after this generator's seeding. */
    public <T> void shuffle(List<T> list) {
        for (int i = list.size() - 1; i >= 1; i--) {
            int j = (int) randomInterval(i);
            Collections.swap(list, i, j);
        }
    }

    /** Convenience: {@code np.random.seed(seed); np.random.shuffle(list)}. */
    public static <T> void shuffle(List<T> list, long seed) {
        new NumpyShuffle(seed).shuffle(list);
    }
}
