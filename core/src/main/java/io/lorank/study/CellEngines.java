package io.lorank.study;

import io.lorank.LorankException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** {@code --engine NAME} → a {@link CellEngine}: {@code in-process} (built in) or a {@link CellEngineFactory} found on the classpath. */
public final class CellEngines {
    public static final String IN_PROCESS = "in-process";

    private CellEngines() {
    }

    /** Engine names available on this classpath, {@code in-process} first. */
    public static List<String> names() {
        List<String> out = new ArrayList<>(List.of(IN_PROCESS));
        for (CellEngineFactory f : ServiceLoader.load(CellEngineFactory.class)) {
            out.add(f.name());
        }
        return out;
    }

    /**
     * @param name   engine name ({@link #names()}, or {@code spark} when its module is absent: a one-line error saying how to get it)
     * @param master engine-specific URL, or null
     * @param conf   engine settings (empty for in-process)
     */
    public static CellEngine create(String name, String master, Map<String, String> conf) {
        if (IN_PROCESS.equals(name)) {
            if (master != null || !conf.isEmpty()) {
                throw new LorankException("study: --master and --spark-conf apply to --engine spark only (the in-process engine takes no settings)");
            }
            return new InProcessEngine();
        }
        for (CellEngineFactory f : ServiceLoader.load(CellEngineFactory.class)) {
            if (f.name().equals(name)) {
                return f.create(master, conf);
            }
        }
        if ("spark".equals(name)) {
            throw new LorankException("study: --engine spark: the Spark engine is not on this classpath (the plain CLI leaves "
                    + "Spark out); use ./lorank from a checkout (it builds the spark/ module when --engine spark is given) "
                    + "or spark-submit spark/target/lorank-spark-app.jar (README, \"Studies on Spark\")");
        }
        throw new LorankException("study: --engine '" + name + "' is not known; available: " + String.join(", ", names())
                + (names().contains("spark") ? "" : ", spark (with the spark/ module)"));
    }
}
