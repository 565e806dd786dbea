package io.lorank.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.LorankException;
import io.lorank.util.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads examples from a GLUE TSV, SentEval CSV or JSONL file according to a {@link TableLayout}. Every malformed
 * row (wrong column count, unknown label, invalid UTF-8, bad JSON) is a {@link LorankException} whose one-line
 * message starts with {@code file:line}. An empty file, or one with no data rows, is an error too.
 */
public final class ExampleReader {
    private ExampleReader() {
    }

    /** Reads {@code file}; {@code labels} are the raw label strings, their positions the label indices. */
    public static List<Example> read(Path file, TableLayout layout, List<String> labels) {
        return parse(TextLines.read(file), file.toString(), file.getFileName().toString(), layout, labels);
    }

    /** Parses already-read lines; {@code where} prefixes error messages, {@code idPrefix} the example ids. */
    public static List<Example> parse(List<String> lines, String where, String idPrefix, TableLayout layout,
                                      List<String> labels) {
        Map<String, Integer> labelIndex = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            labelIndex.put(labels.get(i), i);
        }
        if (lines.isEmpty()) {
            throw new LorankException(where + ": the file is empty; expected " + describe(layout));
        }
        List<Example> out = new ArrayList<>();
        int expectedColumns = layout.columns();
        int first = 0;
        if (layout.header()) {
            int headerColumns = lines.get(0).split("\t", -1).length;
            if (expectedColumns == 0) {
                expectedColumns = headerColumns;
            } else if (headerColumns != expectedColumns) {
                throw new LorankException(where + ":1: header has " + headerColumns + " columns, expected "
                        + expectedColumns + " (" + describe(layout) + ")");
            }
            first = 1;
        }
        for (int i = first; i < lines.size(); i++) {
            String line = lines.get(i);
            int lineNo = i + 1;
            if (line.isEmpty() && (layout.format() == TableLayout.Format.JSONL || i == lines.size() - 1)) {
                continue; // blank JSONL lines and a trailing blank line are not rows
            }
            String id = idPrefix + ":" + lineNo;
            String at = where + ":" + lineNo;
            if (layout.format() == TableLayout.Format.JSONL) {
                out.add(jsonRow(line, at, id, layout, labels, labelIndex));
                continue;
            }
            List<String> fields = layout.format() == TableLayout.Format.TSV
                    ? List.of(line.split("\t", -1)) : CsvLine.parse(line, at);
            if (layout.exactColumns() ? fields.size() != expectedColumns : fields.size() < expectedColumns) {
                throw new LorankException(at + ": found " + fields.size() + " columns, expected "
                        + (layout.exactColumns() ? "" : "at least ") + expectedColumns
                        + " (" + describe(layout) + ")");
            }
            String text = field(fields, layout.textColumn(), "text", at);
            String pair = layout.hasPair() ? field(fields, layout.pairColumn(), "text_pair", at) : null;
            int label = label(field(fields, layout.labelColumn(), "label", at), at, labels, labelIndex);
            out.add(new Example(id, text, pair, label));
        }
        if (out.isEmpty()) {
            throw new LorankException(where + ": no data rows; expected " + describe(layout));
        }
        return out;
    }

    private static Example jsonRow(String line, String at, String id, TableLayout layout, List<String> labels,
                                   Map<String, Integer> labelIndex) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Json.error gives line 1 of the one-line document: report the file's line and the column instead
            int col = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
            throw new LorankException(at + (col > 0 ? ":" + col : "") + ": not a JSON object ("
                    + Json.error("", e).getMessage().replaceFirst("^:\\d+(:\\d+)?: ", "") + ")");
        }
        if (node == null || !node.isObject()) {
            throw new LorankException(at + ": not a JSON object; expected one object per line");
        }
        String text = textField(node, layout.textField(), at);
        String pair = layout.pairField() == null ? null : textField(node, layout.pairField(), at);
        JsonNode lab = node.get(layout.labelField());
        if (lab == null || lab.isNull()) {
            throw new LorankException(at + ": missing field \"" + layout.labelField() + "\"");
        }
        int label;
        if (lab.isIntegralNumber() && !labelIndex.containsKey(lab.asText())) {
            label = lab.asInt();
            if (label < 0 || label >= labels.size()) {
                throw new LorankException(at + ": label " + label + " is out of range [0, " + labels.size()
                        + "); labels are " + labels);
            }
        } else {
            label = label(lab.asText(), at, labels, labelIndex);
        }
        return new Example(id, text, pair, label);
    }

    private static String textField(JsonNode node, String name, String at) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual()) {
            throw new LorankException(at + ": missing text field \"" + name + "\"");
        }
        return v.asText();
    }

    private static int label(String raw, String at, List<String> labels, Map<String, Integer> labelIndex) {
        Integer idx = labelIndex.get(raw.trim());
        if (idx == null) {
            throw new LorankException(at + ": label '" + raw + "' is not one of " + labels);
        }
        return idx;
    }

    private static String field(List<String> fields, int column, String role, String at) {
        int i = column >= 0 ? column : fields.size() + column;
        if (i < 0 || i >= fields.size()) {
            throw new LorankException(at + ": columns." + role + " = " + column + " is out of range for a row of "
                    + fields.size() + " columns; use an index in 0.." + (fields.size() - 1) + " (or -1 for the last)");
        }
        return fields.get(i);
    }

    private static String describe(TableLayout l) {
        return switch (l.format()) {
            case TSV -> "tab-separated rows" + (l.header() ? " after a header" : "")
                    + (l.columns() > 0 ? " with " + l.columns() + " columns" : "");
            case CSV -> "CSV rows label,text" + (l.columns() > 0 ? " with " + l.columns() + " columns" : "");
            case JSONL -> "one JSON object per line with \"" + l.textField() + "\""
                    + (l.pairField() != null ? ", \"" + l.pairField() + "\"" : "") + " and \"" + l.labelField() + "\"";
        };
    }
}
