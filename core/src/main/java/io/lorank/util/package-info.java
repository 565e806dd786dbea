/**
 * Shared helpers every command and driver uses, one mechanism per class of failure:
 * <ul>
 *   <li>{@link io.lorank.util.RunFolder}: an {@code --out} folder as a transaction (staging sibling, {@code run.json}
 *       written last, rename into place; {@code --force} to replace a different run);</li>
 *   <li>{@link io.lorank.util.AtomicFiles}: one file written whole (temp file + rename);</li>
 *   <li>{@link io.lorank.util.Sizes} and {@link io.lorank.util.MemoryBudget}: exact {@code long} size arithmetic and
 *       a one-line refusal before an allocation that will not fit the heap;</li>
 *   <li>{@link io.lorank.util.Finite} and {@link io.lorank.util.Undetermined}: no answer from NaN/inf, and estimates
 *       that could not be made reported as such (exit 1);</li>
 *   <li>{@link io.lorank.util.Json}: the JSON mapper and one-line JSON/YAML errors (file:line:column);</li>
 *   <li>{@link io.lorank.util.Progress}: progress with ETA on a terminal, plain lines every ~10 s when piped, a
 *       warning before stages over ~10 minutes, {@code --quiet};</li>
 *   <li>{@link io.lorank.util.MeanStd}: mean ± sample std over seeds.</li>
 * </ul>
 * Option values are validated by {@link io.lorank.cli.options.Converters}.
 */
package io.lorank.util;
