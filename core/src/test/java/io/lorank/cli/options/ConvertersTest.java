package io.lorank.cli.options;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvertersTest {
    private static String reject(picocli.CommandLine.ITypeConverter<?> c, String value) {
        return assertThrows(TypeConversionException.class, () -> c.convert(value), value).getMessage();
    }

    @Test
    void integersHonourTheirRanges() {
        assertEquals(8, new Converters.PositiveInt().convert("8"));
        assertEquals(1_000, new Converters.PositiveInt().convert("1_000"));
        assertTrue(reject(new Converters.PositiveInt(), "0").contains("expected >= 1"));
        assertTrue(reject(new Converters.PositiveInt(), "-3").contains("positive integer"));
        assertTrue(reject(new Converters.PositiveInt(), "abc").contains("'abc' is not a positive integer"));
        assertTrue(reject(new Converters.PositiveInt(), "3000000000").contains("at most 2147483647"));
        assertTrue(reject(new Converters.PositiveLong(), "99999999999999999999").contains("fits in 64 bits"));
        assertEquals(0, new Converters.NonNegativeInt().convert("0"));
        assertTrue(reject(new Converters.NonNegativeInt(), "-1").contains(">= 0"));
        assertEquals(4294967295L, new Converters.Seed().convert("4294967295"));
        reject(new Converters.Seed(), "4294967296");
    }

    @Test
    void doublesAreFiniteAndInRange() {
        assertEquals(0.05, new Converters.Fraction().convert("0.05"));
        assertEquals(1.0, new Converters.Fraction().convert("1"));
        assertTrue(reject(new Converters.Fraction(), "0").contains("(0, 1]"));
        reject(new Converters.Fraction(), "1.5");
        assertTrue(reject(new Converters.FiniteDouble(), "NaN").contains("finite"));
        assertTrue(reject(new Converters.FiniteDouble(), "Infinity").contains("finite"));
        assertTrue(reject(new Converters.FiniteDouble(), "1e400").contains("finite"));
        assertTrue(reject(new Converters.PositiveDouble(), "0").contains("> 0"));
        assertTrue(reject(new Converters.PositiveDouble(), "x").contains("not a number"));
        assertEquals(0.0, new Converters.NonNegativeDouble().convert("0"));
        reject(new Converters.NonNegativeDouble(), "-1e-9");
    }

    @Test
    void shapesAreTwoPositiveSides() {
        assertEquals(new Converters.Dims(12, 384), new Converters.Shape().convert("12X384"));
        assertTrue(reject(new Converters.Shape(), "12xabc").contains("positive integer"));
        assertTrue(reject(new Converters.Shape(), "12").contains("not MxN"));
        assertTrue(reject(new Converters.Shape(), "1x2x3").contains("not MxN"));
        reject(new Converters.Shape(), "0x384");
        assertTrue(reject(new Converters.Shape(), "2000000000x3000000000").contains("too large"));
    }

    @Test
    void pathsMustExistWithTheRightKind(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("t.json"), "{}");
        assertEquals(f, new Converters.ExistingFile().convert(f.toString()));
        assertTrue(reject(new Converters.ExistingFile(), dir.resolve("no.json").toString()).contains("does not exist"));
        assertTrue(reject(new Converters.ExistingFile(), dir.toString()).contains("is a folder"));
        assertEquals(dir, new Converters.ExistingFolder().convert(dir.toString()));
        assertTrue(reject(new Converters.ExistingFolder(), f.toString()).contains("is a file"));
        assertTrue(reject(new Converters.ExistingFolder(), "/nonexistent/x").contains("does not exist"));
    }
}
