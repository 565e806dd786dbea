package io.lorank.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lorank finetune}: bad options are one-line errors with the right exit code (before any model is loaded). */
class FinetuneCommandTest {
    private static String stderr(int expectedExit, String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(expectedExit, Main.execute(args), () -> "exit code of lorank " + String.join(" ", args));
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badRankIsAUsageError() {
        String err = stderr(2, "finetune", "--task", "SST-2", "--rank", "0");
        assertTrue(err.contains("--rank"), err);
    }

    @Test
    void unknownInitIsOneLine() {
        String err = stderr(1, "finetune", "--task", "SST-2", "--init", "xavier");
        assertEquals("lorank: --init: 'xavier' is not a LoRA initialisation; choose kaiming (PEFT's default), "
                + "gaussian or pissa", err.strip());
    }

    @Test
    void helpListsTheOptions() {
        String out = CliRun.run(0, "finetune", "--help");
        assertTrue(out.contains("--rank") && out.contains("--full") && out.contains("--targets"), out);
    }
}
