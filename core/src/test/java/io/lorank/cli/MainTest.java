package io.lorank.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MainTest {
    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, Main.execute("--no-such-option"));
    }

    @Test
    void versionExitsZero() {
        assertEquals(0, Main.execute("--version"));
    }
}
