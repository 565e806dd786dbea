package io.lorank.study;

import java.util.Map;

/**
 * Makes a named {@link CellEngine} other than the in-process one. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.lorank.study.CellEngineFactory}), so an engine whose libraries are not on the plain
 * CLI's classpath (the {@code lorank-spark} module) plugs into {@code lorank study --engine NAME} without the core
 * depending on it.
 */
public interface CellEngineFactory {
    /** The name {@code --engine} takes, e.g. {@code spark}. */
    String name();

    /**
     * Starts the engine; one-line {@link io.lorank.LorankException} when it cannot (e.g. a master that cannot be
     * reached, naming its URL).
     *
     * @param master where to run (engine-specific URL; null: the engine's default)
     * @param conf   engine settings, key → value, applied after the engine's own defaults
     */
    CellEngine create(String master, Map<String, String> conf);
}
