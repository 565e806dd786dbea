package io.lorank.spark;

import io.lorank.study.CellEngine;
import io.lorank.study.CellEngineFactory;

import java.util.Map;

/** {@code lorank study --engine spark}: registered in {@code META-INF/services/io.lorank.study.CellEngineFactory}. */
public final class SparkEngineFactory implements CellEngineFactory {
    @Override
    public String name() {
        return "spark";
    }

    @Override
    public CellEngine create(String master, Map<String, String> conf) {
        return SparkCellEngine.start(SparkSettings.of(master, conf));
    }
}
