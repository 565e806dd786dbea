package io.lorank.data;

import io.lorank.LorankException;

import java.util.Locale;

/**
 * The metric a task reports, as in GLUE / LM-BFF: accuracy for most tasks, binary F1 of the positive class
 * (label index 1) for MRPC and QQP, Matthews correlation for CoLA.
 */
public enum TaskMetric {
    ACCURACY("acc"), F1("f1"), MCC("mcc");

    private final String shortName;

    TaskMetric(String shortName) {
        this.shortName = shortName;
    }

    public String shortName() {
        return shortName;
    }

    /** Parses {@code acc|accuracy|f1|mcc} (case-insensitive); {@code where} names the key for the error. */
    public static TaskMetric parse(String s, String where) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "acc", "accuracy" -> ACCURACY;
            case "f1" -> F1;
            case "mcc", "matthews" -> MCC;
            default -> throw new LorankException(where + ": metric '" + s + "' is unknown; use accuracy, f1 or mcc");
        };
    }
}
