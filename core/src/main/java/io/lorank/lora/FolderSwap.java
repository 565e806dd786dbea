package io.lorank.lora;

import io.lorank.LorankException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a whole folder so that readers see the old one or the new one, never a mix: the content goes into a hidden
 * sibling folder; once complete, the old folder is renamed aside, the new one renamed into place, the old deleted.
 * A failure while writing leaves the previous folder untouched (and removes the partial one).
 */
final class FolderSwap {
    @FunctionalInterface
    interface Content {
        void writeInto(Path tmp) throws IOException;
    }

    private FolderSwap() {
    }

    static void write(Path dir, Content content) {
        Path abs = dir.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        String stem = "." + abs.getFileName() + "." + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path tmp = parent.resolve(stem + ".tmp");
        try {
            Files.createDirectories(tmp);
            content.writeInto(tmp);
            Path old = null;
            if (Files.exists(abs)) {
                old = parent.resolve(stem + ".old");
                Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) {
                deleteTree(old);
            }
        } catch (IOException e) {
            throw new LorankException(dir + ": cannot write (" + e.getMessage() + "); check the folder is writable");
        } finally {
            deleteTree(tmp);
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (IOException ignored) {
            // a hidden leftover folder is harmless
        }
    }
}
