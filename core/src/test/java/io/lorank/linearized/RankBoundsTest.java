package io.lorank.linearized;

import io.lorank.LorankException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-computed thresholds (exact integers, no tolerance). */
class RankBoundsTest {
    private static RankBounds.Report bounds(int n, int k, String shapes, double cstar) {
        return RankBounds.compute(new RankBounds.Input(n, k, TargetShape.parseList(shapes), cstar));
    }

    @Test
    void paper1AtN32K2IsEleven() {
        // KN = 64: 10·11/2 = 55 <= 64 < 66 = 11·12/2
        RankBounds.Report r = bounds(32, 2, "768x768", 1.35);
        assertEquals(11, r.paper1Rank());
        assertEquals(10, r.paper1ExistenceRank());
        assertEquals(Math.sqrt(128), r.sqrt2kn(), 1e-12);
    }

    @Test
    void paper1ExactTriangularBoundary() {
        assertEquals(2, RankBounds.paper1Rank(1));   // 1 <= 1 < 3
        assertEquals(3, RankBounds.paper1Rank(3));   // 3 <= 3 < 6
        assertEquals(4, RankBounds.paper1Rank(6));
        assertEquals(3, RankBounds.paper1Rank(5));
        assertEquals(1414, RankBounds.paper1Rank(1_000_000)); // 1414·1415/2 = 1000405 > 1e6 >= 998991 = 1413·1414/2
        assertEquals(1413, RankBounds.paper1Rank(998_990)); // 998991 > 998990
        assertEquals(1414, RankBounds.paper1Rank(998_991)); // 998991 is not > 998991
    }

    @Test
    void paper2At768SquareIsOne() {
        // d(1) = 1535 > 1.35·64 = 86.4
        RankBounds.Report r = bounds(32, 2, "768x768", 1.35);
        assertEquals(1, r.paper2Rank());
        assertEquals(1535, r.paper2DimensionAtRank());
        assertEquals(86.4, r.requiredDimension(), 1e-9);
    }

    @Test
    void paper2SmallShapesNeedHigherRank() {
        // 8x8, KN = 20, C* = 1.35: need > 27; d(1)=15, d(2)=28 -> r = 2
        assertEquals(2, bounds(10, 2, "8x8", 1.35).paper2Rank());
        // C* = 1: need > 20: d(2) = 28 -> 2; C* = 0.5: need > 10: d(1) = 15 -> 1
        assertEquals(2, bounds(10, 2, "8x8", 1.0).paper2Rank());
        assertEquals(1, bounds(10, 2, "8x8", 0.5).paper2Rank());
    }

    @Test
    void severalTargetsShareOneRank() {
        // KN = 100, need > 135. 16x16: d(1)=31, d(2)=60, d(3)=87, d(4)=112, d(5)=135 (not >), d(6)=156 -> alone 6.
        // two 16x16 + one 4x64: sum d(1) = 31+31+67 = 129 <= 135, d(2) = 60+60+132 = 252 > 135 -> 2.
        RankBounds.Report r = bounds(50, 2, "16x16,16x16,4x64", 1.35);
        assertEquals(6, r.targets().get(0).paper2Rank());
        assertEquals(3, r.targets().get(2).paper2Rank()); // 4x64: d(2)=132, d(3)=195
        assertEquals(2, r.paper2Rank());
        assertEquals(252, r.paper2DimensionAtRank());
    }

    @Test
    void narrowTargetIsCappedAtFullRank() {
        // at r = 5 the 2x100 target is full rank (d = 2·102 − 4 = 200) and 1x1 contributes 1
        assertEquals(201, RankBounds.totalDimension(TargetShape.parseList("2x100,1x1"), 5));
    }

    @Test
    void unattainableWhenFullRankIsNotEnough() {
        // 4x4: full rank d = 16; KN = 20 -> need > 27 -> unattainable; paper 1 r = 6 > max rank 4
        RankBounds.Report r = bounds(10, 2, "4x4", 1.35);
        assertNull(r.paper2Rank());
        assertFalse(r.paper2Attainable());
        assertNull(r.targets().get(0).paper2Rank());
        assertEquals(16, r.targets().get(0).dimensionAtRank());
        assertEquals(6, r.paper1Rank());
        assertFalse(r.targets().get(0).paper1WithinMaxRank());
        // exactly at the boundary: need > 16 with KN = 16, C* = 1 -> 16 is not > 16 -> unattainable
        assertNull(bounds(8, 2, "4x4", 1.0).paper2Rank());
        assertEquals(4, bounds(15, 1, "4x4", 1.0).paper2Rank()); // need > 15 -> 16 at r = 4
    }

    @Test
    void invalidInputIsAUserError() {
        assertThrows(LorankException.class, () -> bounds(0, 2, "8x8", 1.35));
        assertThrows(LorankException.class, () -> bounds(10, -1, "8x8", 1.35));
        assertThrows(LorankException.class, () -> bounds(10, 2, "8x8", 0));
        for (String bad : new String[]{"8", "8x", "axb", "8x8x8", "0x8", "", "8*8"}) {
            LorankException e = assertThrows(LorankException.class, () -> TargetShape.parseList(bad), bad);
            assertFalse(e.getMessage().contains("\n"), "one-line message");
        }
        assertTrue(TargetShape.parseList(" 8X4 , 2x3").get(0).m() == 8);
    }

    @Test
    void hugeSizesStayExact() {
        long kn = 2_000_000_000L * 2_000_000_000L; // 4e18: r ~ 2.83e9, past an int
        long r = RankBounds.paper1Rank(kn);
        assertTrue(RankBounds.triangle(r) > kn && RankBounds.triangle(r - 1) <= kn, "r = " + r);
        assertEquals(2_828_427_125L, r); // from exact integer arithmetic (Python isqrt)
        TargetShape big = new TargetShape("big", 2_000_000_000, 2_000_000_000);
        assertEquals(3_999_999_999L, big.manifoldDimension(1));
        // binary search = linear scan on a small case, and the smallest r on a huge one
        List<TargetShape> t = TargetShape.parseList("30x50,8x8");
        for (double need = 0; need < 1500; need += 37) {
            Integer lin = null;
            for (int q = 1; q <= 30; q++) {
                if (RankBounds.totalDimension(t, q) > need) {
                    lin = q;
                    break;
                }
            }
            assertEquals(lin, RankBounds.paper2Rank(t, need), "need " + need);
        }
        assertEquals(1_000_000, RankBounds.paper2Rank(List.of(big), 3_998_999_999_000_001.0));
    }
}
