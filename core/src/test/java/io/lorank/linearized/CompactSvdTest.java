package io.lorank.linearized;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CompactSvd.ofFactors with an exactly zero column of B (a decayed LoRA factor) equals the SVD of B A. */
class CompactSvdTest {
    @Test
    void zeroColumnFactorsMatchTheDenseProduct() {
        Random rnd = new Random(1);
        DMatrixRMaj b = new DMatrixRMaj(7, 3);
        DMatrixRMaj a = new DMatrixRMaj(3, 5);
        for (int i = 0; i < 7; i++) {
            b.set(i, 0, rnd.nextGaussian());
            b.set(i, 2, rnd.nextGaussian());
        }
        for (int j = 0; j < a.data.length; j++) {
            a.data[j] = rnd.nextGaussian();
        }
        DMatrixRMaj w = new DMatrixRMaj(7, 5);
        org.ejml.dense.row.CommonOps_DDRM.mult(b, a, w);
        CompactSvd f = CompactSvd.ofFactors(b, a);
        CompactSvd d = CompactSvd.of(w);
        assertEquals(2, f.rank());
        assertEquals(d.nuclearNorm(), f.nuclearNorm(), 1e-12 * d.nuclearNorm());
        CompactSvd z = CompactSvd.ofFactors(new DMatrixRMaj(7, 2), new DMatrixRMaj(2, 5));
        assertEquals(0, z.rank());
    }
}
