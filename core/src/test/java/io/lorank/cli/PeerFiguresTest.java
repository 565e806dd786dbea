package io.lorank.cli;

import io.lorank.LorankException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerFiguresTest {
    @Test
    void readsTheMediansOfAPeerRun(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bench.json");
        Files.writeString(f, """
                {"machine": {"date": "2026-11-22T17:10:30+00:00"},
                 "1_forward": {"median_s": 0.232}, "2_train_full": {"median_s": 0.7168},
                 "7b_lin_dense_gemv": {"median_s": 0.0432}, "7c_lin_factored": {"median_s": 0.0259}}""");
        PeerFigures p = PeerFigures.load(f);
        assertEquals(0.232, p.forward(), 0);
        assertEquals(0.7168, p.forwardBackward(), 0);
        assertEquals(0.0432, p.linDenseGemv(), 0);
        assertEquals(0.0259, p.linFactored(), 0);
        assertTrue(p.source().contains("2026-11-22T17:10:30"), p.source());
    }

    @Test
    void withoutAFileTheStoredFiguresApply() {
        assertSame(PeerFigures.STORED, PeerFigures.load(null));
        assertEquals(0.249, PeerFigures.STORED.forward(), 0);
    }

    @Test
    void aFileWithoutTheSectionsIsAOneLineUserError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("other.json");
        Files.writeString(f, "{\"1_forward\": {\"median_s\": 0.2}}");
        LorankException e = assertThrows(LorankException.class, () -> PeerFigures.load(f));
        assertTrue(e.getMessage().contains("2_train_full") && e.getMessage().startsWith(f.toString()), e.getMessage());
        assertNull(e.getCause());
        assertEquals(-1, e.getMessage().indexOf('\n'));
    }
}
