package io.lorank.data;

import io.lorank.LorankException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a text file as strict UTF-8 lines: a leading BOM is dropped (MRPC's files start with one; Python reads them
 * with {@code utf-8-sig}), {@code \r\n} and {@code \n} both end a line, a final line without newline is kept, and an
 * invalid byte sequence is a {@link LorankException} naming the file and the line.
 */
public final class TextLines {
    private TextLines() {
    }

    /** The lines of {@code file}; {@code name} is what error messages call it. */
    public static List<String> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new LorankException(file + ": file not found; check the path (and --data)");
        } catch (IOException e) {
            throw new LorankException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return split(bytes, file.toString());
    }

    /** The lines of a classpath/stream resource (closed here). */
    public static List<String> read(InputStream in, String name) {
        try (in) {
            return split(in.readAllBytes(), name);
        } catch (IOException e) {
            throw new LorankException(name + ": cannot read (" + e.getMessage() + ")");
        }
    }

    static List<String> split(byte[] bytes, String name) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int start = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
            start = 3;
        }
        List<String> lines = new ArrayList<>();
        int lineNo = 1;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int contentEnd = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            try {
                lines.add(decoder.decode(ByteBuffer.wrap(bytes, start, contentEnd - start)).toString());
            } catch (CharacterCodingException e) {
                throw new LorankException(name + ":" + lineNo + ": invalid UTF-8 byte sequence; "
                        + "re-save the file as UTF-8");
            }
            start = end + 1;
            lineNo++;
        }
        return lines;
    }
}
