package io.lorank.study;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lorank.Lorank;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where a result came from: the study config's hash, the seed, the checkpoint's SHA-256, lorank's and the main
 * libraries' versions, and the machine. One record for the database rows and every {@code --json} output.
 *
 * @param configHash       SHA-256 of the canonical resolved config (the study's grid)
 * @param seed             the cell's seed (null for a study-level record)
 * @param checkpointSha256 hex SHA-256 of the weight file as stored (null when no model was read)
 * @param lorankVersion    lorank's version
 * @param libraries        artifactId → version, from the jars' Maven metadata
 * @param machine          host, OS, CPU, cores, Java
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Provenance(String configHash, Integer seed, String checkpointSha256, String lorankVersion,
                         Map<String, String> libraries, Machine machine) {

    /** The machine a result was computed on. */
    public record Machine(String host, String os, String cpu, int cores, String java) {
        public static Machine current() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "unknown";
            }
            return new Machine(host, System.getProperty("os.name") + " " + System.getProperty("os.arch"), cpuModel(),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        }

        private static String cpuModel() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux: fall through
            }
            return System.getProperty("os.arch");
        }
    }

    private static final String[][] LIBRARIES = {
            {"ai.djl", "api"}, {"ai.djl.pytorch", "pytorch-engine"}, {"ai.djl.pytorch", "pytorch-jni"},
            {"org.ejml", "ejml-core"}, {"org.xerial", "sqlite-jdbc"}, {"com.fasterxml.jackson.core", "jackson-databind"},
            {"org.knowm.xchart", "xchart"}};

    private static Map<String, String> libraryVersions;

    /** Versions of the libraries results depend on, read once from their jars' {@code pom.properties}. */
    public static synchronized Map<String, String> libraryVersions() {
        if (libraryVersions == null) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String[] ga : LIBRARIES) {
                String res = "/META-INF/maven/" + ga[0] + "/" + ga[1] + "/pom.properties";
                try (InputStream in = Provenance.class.getResourceAsStream(res)) {
                    if (in != null) {
                        Properties p = new Properties();
                        p.load(in);
                        m.put(ga[1], p.getProperty("version"));
                    }
                } catch (IOException e) {
                    // a jar without Maven metadata: leave it out
                }
            }
            libraryVersions = Map.copyOf(m);
        }
        return new java.util.TreeMap<>(libraryVersions);
    }

    public static Provenance of(String configHash, Integer seed, String checkpointSha256) {
        return new Provenance(configHash, seed, checkpointSha256, Lorank.VERSION, libraryVersions(), Machine.current());
    }
}
