package io.lorank.study;

/**
 * When and how long a cell ran (kept apart from {@link CellResult}: it differs between runs of the same cell).
 *
 * @param started  ISO-8601 UTC instant
 * @param finished ISO-8601 UTC instant
 * @param seconds  wall time
 */
public record CellTiming(String started, String finished, double seconds) {
}
