/**
 * Reports of a study folder: {@link io.lorank.report.StudyReport} reads {@code results.db} and writes one
 * self-contained {@code report.html} (plots as embedded PNGs from {@link io.lorank.report.Plots}, tables in the
 * papers' style from {@link io.lorank.report.Tables}, a provenance footer) with CSV and Markdown exports.
 */
package io.lorank.report;
