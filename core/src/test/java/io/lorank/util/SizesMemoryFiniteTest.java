package io.lorank.util;

import io.lorank.LorankException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizesMemoryFiniteTest {
    @Test
    void productsAreExactOrRefused() {
        assertEquals(85_899_345_920L, Sizes.product("dense G", 2048, 2048, 2048, 10));
        String m = assertThrows(LorankException.class,
                () -> Sizes.product("dense G", 2_000_000_000L, 2_000_000_000L, 2_000_000_000L)).getMessage();
        assertTrue(m.startsWith("dense G: 2000000000 x 2000000000 x 2000000000 overflows"), m);
        assertThrows(LorankException.class, () -> Sizes.product("x", 3, -1));
        assertEquals(100, Sizes.arrayLength("a", 100));
        assertTrue(assertThrows(LorankException.class, () -> Sizes.arrayLength("dense G", 85_899_345_920L))
                .getMessage().contains("exceed one Java array"));
        assertEquals("1.5 GiB", Sizes.human(3L << 29));
        assertEquals("512 B", Sizes.human(512));
    }

    @Test
    void memoryGuardRefusesInOneLineNamingHeapAndFlag() {
        assertDoesNotThrow(() -> MemoryBudget.require(1 << 20, "one MiB"));
        String m = assertThrows(LorankException.class, () -> MemoryBudget.require(Long.MAX_VALUE / 2, "dense G")).getMessage();
        assertTrue(m.startsWith("dense G needs "), m);
        assertTrue(m.contains("Java heap") && m.contains(MemoryBudget.JAVA_OPTS), m);
        assertFalse(m.contains("\n"), m);
        String oom = MemoryBudget.outOfMemoryMessage(new OutOfMemoryError("Java heap space"));
        assertTrue(oom.contains("LORANK_JAVA_OPTS=-Xmx") && !oom.contains("\n"), oom);
        assertEquals(1, MemoryBudget.suggestGiB(1));
        assertEquals(2, MemoryBudget.suggestGiB((1L << 30) + 1));
    }

    @Test
    void finiteGuardsNameTheFirstBadEntry() {
        assertEquals(-1, Finite.firstNonFinite(new double[] {1, 2}));
        assertEquals(1, Finite.firstNonFinite(new float[] {1, Float.NaN, Float.POSITIVE_INFINITY}));
        String m = assertThrows(LorankException.class, () -> Finite.require("embedding of text 1",
                new float[] {0, 0, Float.NaN})).getMessage();
        assertTrue(m.startsWith("embedding of text 1: value [2] of 3 is NaN"), m);
        assertThrows(LorankException.class, () -> Finite.require("C*", Double.POSITIVE_INFINITY));
        assertEquals(1.5, Finite.require("C*", 1.5));
        Map<String, float[]> t = new LinkedHashMap<>();
        t.put("a.weight", new float[] {1});
        t.put("b.weight", new float[] {1, Float.NEGATIVE_INFINITY});
        t.put("c.weight", new float[] {Float.NaN});
        String c = assertThrows(LorankException.class, () -> Finite.requireAll("model.safetensors", t, v -> v)).getMessage();
        assertTrue(c.startsWith("model.safetensors: tensor b.weight holds -Infinity at [1]"), c);
        assertTrue(new Undetermined("C*: one ratio").getMessage().startsWith("undetermined: "));
    }
}
