package io.lorank.spark;

import org.apache.spark.api.java.JavaSparkContext;

import java.util.Map;

/**
 * The one SparkContext of this test JVM (Spark allows one per JVM), shared by every test class of the module:
 * {@code local[2,2]}, two task threads and two attempts per task, with lorank's defaults (no UI, driver on 127.0.0.1).
 * Started on first use (~2 s), stopped when the JVM exits.
 */
final class SharedSpark {
    static final String MASTER = "local[2,2]";
    private static JavaSparkContext jsc;

    private SharedSpark() {
    }

    static synchronized JavaSparkContext context() {
        if (jsc == null) {
            JavaSparkContext c = SparkCellEngine.start(SparkSettings.of(MASTER, Map.of())).context();
            Runtime.getRuntime().addShutdownHook(new Thread(c::stop));
            jsc = c;
        }
        return jsc;
    }

    /** An engine on the shared context running {@code fn} on the executors. */
    static SparkCellEngine engine(CellFunction fn) {
        return SparkCellEngine.on(context(), fn);
    }
}
