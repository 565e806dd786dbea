package io.lorank.lora;

import io.lorank.LorankException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes a folder of files as one unit: everything goes to a hidden staging sibling first, then the previous folder
 * (if any) is renamed aside, the staging folder renamed into place and the old one deleted. A save interrupted
 * while writing leaves the previous folder untouched; only a kill between the two renames (two metadata operations)
 * leaves the previous content in {@code .NAME.previous}.
 */
final class FolderSwap {
    private FolderSwap() {
    }

    static void write(Path dir, Consumer<Path> writer) {
        Path abs = dir.toAbsolutePath();
        Path staging = abs.resolveSibling("." + abs.getFileName() + ".staging-" + ProcessHandle.current().pid());
        Path previous = abs.resolveSibling("." + abs.getFileName() + ".previous");
        try {
            deleteTree(staging);
            Files.createDirectories(staging);
            writer.accept(staging);
            deleteTree(previous);
            if (Files.exists(abs)) {
                Files.move(abs, previous, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, abs, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(previous);
        } catch (IOException e) {
            throw new LorankException(dir + ": cannot write (" + e.getMessage() + "); check the parent folder is "
                    + "writable", e);
        } finally {
            try {
                deleteTree(staging);
            } catch (IOException ignored) {
                // best effort: a hidden staging folder is harmless and replaced by the next save
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
