package io.lorank.spark;

import io.lorank.LorankException;
import org.apache.spark.SparkConf;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The SparkConf of a study: Spark's own {@code spark.*} system properties (what spark-submit passes: the application
 * jar, executor sizes, {@code --conf} pairs), lorank's defaults where those leave a key unset, then the user's
 * {@code --spark-conf} pairs and the master (which win).
 *
 * <p>Defaults: app name {@code lorank study}; {@code spark.ui.enabled=false}; {@code spark.log.level=WARN}; in local mode the driver binds to and
 * advertises 127.0.0.1 (Spark opens two ports even in local mode, and they need not face the network). The master is
 * {@code --master}, else the one spark-submit set ({@code spark.master}), else {@link #DEFAULT_MASTER}: every core
 * and up to 4 attempts per task (plain {@code local[N]} aborts the job at the first task failure; {@code local[N,F]}
 * retries like a cluster).
 */
public final class SparkSettings {
    public static final String DEFAULT_MASTER = "local[*,4]";
    /** Folder executors use for keyed artefacts; default: the study's {@code cache/} (right in local mode or on a shared file system). */
    public static final String EXECUTOR_CACHE_KEY = "spark.lorank.executorCacheDir";
    /** Folder of the LM-BFF data as executors see it; default: the driver's {@code --data}. */
    public static final String EXECUTOR_DATA_KEY = "spark.lorank.executorDataDir";
    /** Spark's own setting (3.5+): the root log level from start-up on; lorank's default WARN. */
    public static final String LOG_LEVEL_KEY = "spark.log.level";
    static final int PROBE_MILLIS = 5000;

    private final String master;
    private final Map<String, String> defaults;
    private final Map<String, String> overrides;

    private SparkSettings(String master, Map<String, String> defaults, Map<String, String> overrides) {
        this.master = master;
        this.defaults = defaults;
        this.overrides = overrides;
    }

    /**
     * @param master {@code --master} or null
     * @param user   {@code --spark-conf} pairs (keys must start with {@code spark.})
     */
    public static SparkSettings of(String master, Map<String, String> user) {
        for (String k : user.keySet()) {
            if (!k.startsWith("spark.")) {
                throw new LorankException("--spark-conf " + k + ": Spark settings start with 'spark.' (e.g. --spark-conf spark.executor.memory=4g)");
            }
        }
        String m = master != null ? master.trim() : user.getOrDefault("spark.master", System.getProperty("spark.master", DEFAULT_MASTER));
        if (m.isEmpty()) {
            throw new LorankException("--master: empty; give local[N], local[N,F], spark://HOST:PORT, yarn or k8s://...");
        }
        Map<String, String> d = new LinkedHashMap<>();
        d.put("spark.app.name", "lorank study");
        d.put("spark.ui.enabled", "false");
        d.put(LOG_LEVEL_KEY, "WARN");
        if (isLocal(m)) {
            d.put("spark.driver.bindAddress", "127.0.0.1");
            d.put("spark.driver.host", "127.0.0.1");
        }
        Map<String, String> o = new LinkedHashMap<>(user);
        o.put("spark.master", m);
        return new SparkSettings(m, d, o);
    }

    public String master() {
        return master;
    }

    /** What lorank sets when nothing else did: its defaults overlaid with {@code --spark-conf} and the master. */
    public Map<String, String> conf() {
        Map<String, String> c = new LinkedHashMap<>(defaults);
        c.putAll(overrides);
        return c;
    }

    static boolean isLocal(String master) {
        return master.toLowerCase(Locale.ROOT).startsWith("local");
    }

    SparkConf sparkConf() {
        SparkConf sc = new SparkConf(true); // spark.* system properties: spark-submit's settings
        defaults.forEach(sc::setIfMissing);
        overrides.forEach(sc::set);
        return sc;
    }

    /**
     * For {@code spark://HOST:PORT[,HOST:PORT]}: a TCP connect to each master within {@link #PROBE_MILLIS}; one line
     * naming the URL when none answers (Spark itself would retry for a minute and then stop the context).
     */
    void probeMaster() {
        if (!master.startsWith("spark://")) {
            return;
        }
        String problem = null;
        for (String hp : master.substring("spark://".length()).split(",")) {
            try {
                URI u = new URI("spark://" + hp);
                if (u.getHost() == null || u.getPort() < 0) {
                    throw new LorankException("--master " + master + ": not spark://HOST:PORT");
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(u.getHost(), u.getPort()), PROBE_MILLIS);
                    return;
                }
            } catch (java.net.URISyntaxException e) {
                throw new LorankException("--master " + master + ": not spark://HOST:PORT (" + e.getMessage() + ")");
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
        }
        throw new LorankException("--master " + master + ": the Spark master cannot be reached (" + problem
                + "); check the URL and that the master is running");
    }
}
