package io.lorank.spark;

import io.lorank.LorankException;
import io.lorank.cli.Main;
import io.lorank.study.CellEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lorank's Spark defaults, the user's settings, and the one-line errors of the engine's flags. No SparkContext is started here. */
class SparkSettingsTest {
    @Test
    void localModeIsQuietAndOnLoopback() {
        Map<String, String> c = SparkSettings.of("local[2]", Map.of()).conf();
        assertEquals("false", c.get("spark.ui.enabled"));
        assertEquals("WARN", c.get("spark.log.level"));
        assertEquals("127.0.0.1", c.get("spark.driver.bindAddress"));
        assertEquals("127.0.0.1", c.get("spark.driver.host"));
        assertEquals("local[2]", c.get("spark.master"));
    }

    @Test
    void clusterModeLeavesTheAddressToSparkAndUserSettingsWin() {
        Map<String, String> c = SparkSettings.of("spark://head:7077", Map.of("spark.ui.enabled", "true",
                "spark.executor.memory", "6g")).conf();
        assertFalse(c.containsKey("spark.driver.bindAddress"));
        assertEquals("true", c.get("spark.ui.enabled"), "--spark-conf wins over lorank's default");
        assertEquals("6g", c.get("spark.executor.memory"));
    }

    @Test
    void sparkSubmitSettingsAreKeptAndFlagsWin() {
        System.setProperty("spark.ui.enabled", "true");          // as spark-submit --conf would pass it
        System.setProperty("spark.executor.memory", "5g");
        try {
            org.apache.spark.SparkConf c = SparkSettings.of("local[1]", Map.of("spark.executor.memory", "7g")).sparkConf();
            assertEquals("true", c.get("spark.ui.enabled"), "lorank's default does not override spark-submit's setting");
            assertEquals("7g", c.get("spark.executor.memory"), "--spark-conf wins");
            assertEquals("local[1]", c.get("spark.master"));
        } finally {
            System.clearProperty("spark.ui.enabled");
            System.clearProperty("spark.executor.memory");
        }
    }

    @Test
    void defaultMasterRetriesTasks() {
        assertEquals(SparkSettings.DEFAULT_MASTER, SparkSettings.of(null, Map.of()).master());
        assertTrue(SparkSettings.DEFAULT_MASTER.matches("local\\[\\*,[2-9]\\]"), "local[N,F] with F > 1");
    }

    @Test
    void settingsOutsideSparkAreRefused() {
        LorankException e = assertThrows(LorankException.class, () -> SparkSettings.of("local[1]", Map.of("executor.memory", "4g")));
        assertTrue(e.getMessage().startsWith("--spark-conf executor.memory: Spark settings start with 'spark.'"), e.getMessage());
    }

    @Test
    void anUnreachableMasterIsOneLineNamingItsUrl() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free now, closed below: nothing listens there
        }
        String url = "spark://127.0.0.1:" + port;
        LorankException e = assertThrows(LorankException.class, () -> SparkSettings.of(url, Map.of()).probeMaster());
        assertTrue(e.getMessage().startsWith("--master " + url + ": the Spark master cannot be reached (ConnectException"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void theEngineIsFoundOnThisClasspath() {
        assertTrue(CellEngines.names().contains("spark"), CellEngines.names().toString());
    }

    @Test
    void cliUnreachableMasterExitsOneWithOneLine(@TempDir Path tmp) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "spark://127.0.0.1:" + port;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = Main.execute("study", "--modes", "synthetic", "--ranks", "1", "--lambda-fractions", "0.1",
                    "--engine", "spark", "--master", url, "--out", tmp.resolve("s").toString());
        } finally {
            System.setErr(old);
        }
        String text = err.toString(StandardCharsets.UTF_8).trim();
        assertEquals(1, code, text);
        assertEquals(1, text.lines().count(), "one line: " + text);
        assertTrue(text.contains("--master " + url + ": the Spark master cannot be reached"), text);
    }
}
