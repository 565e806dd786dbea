package io.lorank.util;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lorank.LorankException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One shared Jackson mapper: records and maps to JSON for every {@code --json} output and results file; and the one
 * place where a Jackson (JSON or YAML) error becomes a one-line user error: {@code FILE:LINE:COLUMN: what was found,
 * what was expected}.
 *
 * <pre>{@code
 * JsonNode n = Json.readTree(configJson);                        // one-line LorankException on bad JSON
 * try { spec = yamlMapper.readValue(file.toFile(), Spec.class); }
 * catch (JsonProcessingException e) { throw Json.error(file.toString(), e); }
 * }</pre>
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getName(), e);
        }
    }

    /** Parses a JSON file; a missing, unreadable or malformed file is a one-line {@link LorankException}. */
    public static JsonNode readTree(Path file) {
        try {
            return MAPPER.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw error(file.toString(), e);
        } catch (NoSuchFileException e) {
            throw new LorankException(file + ": not found");
        } catch (IOException e) {
            throw new LorankException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /**
     * A Jackson error as one line: {@code source:LINE:COLUMN: MESSAGE [at key a.b[2]]}, without Jackson's own
     * "at [Source: ...]" line. {@code source} names the file (or, e.g., {@code "line 17 of train.jsonl"}).
     */
    public static LorankException error(String source, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        StringBuilder sb = new StringBuilder(source);
        if (loc != null && loc.getLineNr() > 0) {
            sb.append(':').append(loc.getLineNr());
            if (loc.getColumnNr() > 0) {
                sb.append(':').append(loc.getColumnNr());
            }
        }
        sb.append(": ").append(oneLine(e.getOriginalMessage()));
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            sb.append(" (at key ").append(keyPath(m)).append(')');
        }
        return new LorankException(sb.toString(), e);
    }

    private static String keyPath(JsonMappingException m) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** Collapses Jackson's / SnakeYAML's multi-line messages, drops source excerpts and class names. */
    static String oneLine(String message) {
        if (message == null) {
            return "malformed";
        }
        String s = message;
        int src = s.indexOf(" at [Source:");
        if (src >= 0) {
            s = s.substring(0, src);
        }
        // SnakeYAML repeats the location and quotes the offending lines after "in 'reader'": keep the what, not the where
        s = s.replaceAll("(?s)\\s*in 'reader', line \\d+, column \\d+:.*?(?=\\n\\S|$)", "");
        s = s.replace("com.fasterxml.jackson.databind.", "").replace("java.lang.", "");
        s = s.replaceAll("\\s*\\n\\s*", "; ").replaceAll("\\s+", " ").trim();
        if (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
