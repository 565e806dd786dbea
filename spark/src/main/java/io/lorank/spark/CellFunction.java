package io.lorank.spark;

import io.lorank.study.CellContext;
import io.lorank.study.CellEngine;
import io.lorank.study.CellSpec;

import java.io.Serializable;

/**
 * What an executor does with one cell; shipped with each task, so it must be serialisable. The default is
 * {@link ExecutorRuntime#run}; tests wrap it (e.g. to fail a cell's first attempt).
 */
@FunctionalInterface
public interface CellFunction extends Serializable {
    /** @return Done or Failed (a one-line, deterministic error); throws for errors Spark should retry */
    CellEngine.Outcome run(CellSpec cell, CellContext context);

    CellFunction DEFAULT = ExecutorRuntime::run;
}
