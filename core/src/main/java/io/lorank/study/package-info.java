/**
 * The rank study: a grid of independent cells (spec → result), run by an engine, stored in a resumable SQLite
 * database. A {@link io.lorank.study.CellSpec} is small, serialisable and hashed; a {@link io.lorank.study.CellRunner}
 * computes its {@link io.lorank.study.CellResult} from the spec and keyed on-disk artefacts only (no in-process state
 * shared between cells), so the same cells can later run on a distributed engine. {@link io.lorank.study.ResultsDb}
 * owns {@code DIR/results.db}; {@link io.lorank.study.Study} ties config, lock, database and engine together.
 */
package io.lorank.study;
