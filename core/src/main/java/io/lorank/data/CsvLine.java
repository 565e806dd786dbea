package io.lorank.data;

import io.lorank.LorankException;

import java.util.ArrayList;
import java.util.List;

/** Splits one CSV line with RFC 4180 minimal quoting ({@code "a ""b"", c"} is one field {@code a "b", c}). */
final class CsvLine {
    private CsvLine() {
    }

    static List<String> parse(String line, String where) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
                wasQuoted = false;
            } else if (c == '"' && cur.length() == 0 && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new LorankException(where + ": unterminated quoted field; expected CSV with minimal quoting");
        }
        out.add(cur.toString());
        return out;
    }
}
