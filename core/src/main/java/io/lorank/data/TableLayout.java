package io.lorank.data;

/**
 * How a file's rows map to examples.
 *
 * <p>For {@link Format#TSV} (GLUE: tab-separated, no quoting, like Python's {@code csv.reader(delimiter='\t',
 * quotechar=None)}) and {@link Format#CSV} (SentEval style, RFC 4180 minimal quoting) the fields are column
 * indices; a negative index counts from the end ({@code -1} = last column, as LM-BFF's {@code line[-1]}).
 * {@code columns} is the column count every row must have; 0 means "the header's count" (requires a header).
 * With {@code exactColumns = false} a row may have more (GLUE's SNLI/MNLI rows carry either 1 or 5 annotator
 * labels before {@code gold_label}, so their rows have 11 or 15 / 12 or 16 columns; the label is the last one).
 * For {@link Format#JSONL} the field names are used instead and the indices are ignored.
 *
 * @param pairColumn {@code Integer.MIN_VALUE} when the task has no second text
 */
public record TableLayout(Format format, boolean header, int columns, boolean exactColumns, int textColumn, int pairColumn, int labelColumn,
                          String textField, String pairField, String labelField) {
    public static final int NONE = Integer.MIN_VALUE;

    public enum Format { TSV, CSV, JSONL }

    public TableLayout {
        if (format == null) {
            throw new IllegalArgumentException("format is required");
        }
        if (format != Format.JSONL && columns == 0 && !header) {
            throw new IllegalArgumentException("columns = 0 (take the count from the header) needs a header");
        }
        if (format == Format.JSONL && (textField == null || labelField == null)) {
            throw new IllegalArgumentException("JSONL layout needs the text and label field names");
        }
    }

    public static TableLayout tsv(boolean header, int columns, int text, int pair, int label) {
        return new TableLayout(Format.TSV, header, columns, true, text, pair, label, null, null, null);
    }

    /** A TSV layout whose rows may have more columns than the header (GLUE NLI files). */
    public static TableLayout tsvAtLeast(int text, int pair, int label) {
        return new TableLayout(Format.TSV, true, 0, false, text, pair, label, null, null, null);
    }

    public static TableLayout csv(int columns, int text, int pair, int label) {
        return new TableLayout(Format.CSV, false, columns, true, text, pair, label, null, null, null);
    }

    public static TableLayout jsonl(String text, String pair, String label) {
        return new TableLayout(Format.JSONL, false, 0, true, NONE, NONE, NONE, text, pair, label);
    }

    public boolean hasPair() {
        return format == Format.JSONL ? pairField != null : pairColumn != NONE;
    }
}
