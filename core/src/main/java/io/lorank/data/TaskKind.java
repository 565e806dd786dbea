package io.lorank.data;

/** Whether a task's examples carry one text or a text pair. */
public enum TaskKind {
    SINGLE, PAIR;

    public String lowerName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
