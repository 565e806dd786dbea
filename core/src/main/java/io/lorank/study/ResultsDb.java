package io.lorank.study;

import io.lorank.LorankException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DIR/results.db}: the study's SQLite store. Tables:
 * <ul>
 *   <li>{@code meta(key, value)}: schema version, lorank version, the grid's hash and resolved config;</li>
 *   <li>{@code plan(position, hash, spec)}: every cell of the grid, in order;</li>
 *   <li>{@code cells(hash UNIQUE, status done|failed|running, spec, result, error, timing, provenance, attempts,
 *       updated)}: one row per started cell.</li>
 * </ul>
 * Every change is one transaction, and a row becomes {@code done} in the same statement that stores its result, so
 * a process killed at any point leaves either the old row or the new one. Not thread-safe: one owner (the study
 * driver holding the {@link StudyLock}).
 */
public final class ResultsDb implements AutoCloseable {
    public static final String FILE = "results.db";
    /** Bumped when the tables or the result schema change incompatibly. */
    public static final int SCHEMA_VERSION = 1;

    /** Cell status as stored. */
    public enum Status { DONE, FAILED, RUNNING;
        public String sql() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One row of {@code cells}; JSON columns as stored (canonical). */
    public record Row(String hash, Status status, String spec, String result, String error, String timing,
                      String provenance, int attempts) {
    }

    private final Path file;
    private final Connection conn;

    private ResultsDb(Path file, Connection conn) {
        this.file = file;
        this.conn = conn;
    }

    /** Opens (creating when absent) the database; creates the tables if missing. */
    public static ResultsDb open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 5000");
                s.execute("PRAGMA synchronous = FULL");
                s.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS plan (position INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, "
                        + "spec TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS cells (hash TEXT NOT NULL UNIQUE, "
                        + "status TEXT NOT NULL CHECK (status IN ('done', 'failed', 'running')), "
                        + "spec TEXT NOT NULL, result TEXT, error TEXT, timing TEXT, provenance TEXT, "
                        + "attempts INTEGER NOT NULL DEFAULT 1, updated TEXT NOT NULL, "
                        + "CHECK (status <> 'done' OR result IS NOT NULL))");
            }
            return new ResultsDb(file, c);
        } catch (SQLException | java.io.IOException e) {
            throw new LorankException(file + ": cannot open the results database (" + e.getMessage()
                    + "); is it a lorank results.db? use --force to start anew");
        }
    }

    /** Opens an existing database read-only for status and reports; a missing file is a user error. */
    public static ResultsDb openExisting(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LorankException(file + ": no results database here; run `lorank study --out DIR` first");
        }
        return open(file);
    }

    public Path file() {
        return file;
    }

    public Optional<String> meta(String key) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read meta", e);
        }
    }

    /** Writes the meta entries and the plan in one transaction (a new study). */
    public void initialize(Map<String, String> meta, List<CellSpec> plan) {
        transaction(() -> {
            try (PreparedStatement m = conn.prepareStatement("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
                 PreparedStatement p = conn.prepareStatement("INSERT INTO plan (position, hash, spec) VALUES (?, ?, ?)")) {
                for (Map.Entry<String, String> e : meta.entrySet()) {
                    m.setString(1, e.getKey());
                    m.setString(2, e.getValue());
                    m.addBatch();
                }
                m.executeBatch();
                for (int i = 0; i < plan.size(); i++) {
                    p.setInt(1, i);
                    p.setString(2, plan.get(i).hash());
                    p.setString(3, plan.get(i).canonicalJson());
                    p.addBatch();
                }
                p.executeBatch();
            }
        });
    }

    /** The planned cells' specs (canonical JSON), in grid order. */
    public List<String> planSpecs() {
        List<String> out = new ArrayList<>();
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT spec FROM plan ORDER BY position")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw failure("read the plan", e);
        }
        return out;
    }

    /** hash → status of every started cell. */
    public Map<String, Status> statuses() {
        Map<String, Status> out = new LinkedHashMap<>();
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT hash, status FROM cells")) {
            while (rs.next()) {
                out.put(rs.getString(1), Status.valueOf(rs.getString(2).toUpperCase(java.util.Locale.ROOT)));
            }
        } catch (SQLException e) {
            throw failure("read cell statuses", e);
        }
        return out;
    }

    /** Marks a cell running (a new row, or a failed/interrupted one started again: attempts + 1). */
    public void markRunning(CellSpec spec) {
        transaction(() -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO cells (hash, status, spec, updated) "
                    + "VALUES (?, 'running', ?, ?) ON CONFLICT(hash) DO UPDATE SET status = 'running', result = NULL, "
                    + "error = NULL, timing = NULL, provenance = NULL, attempts = attempts + 1, updated = excluded.updated "
                    + "WHERE status <> 'done'")) {
                ps.setString(1, spec.hash());
                ps.setString(2, spec.canonicalJson());
                ps.setString(3, java.time.Instant.now().toString());
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("cell " + spec.hash() + " is already done; it must not run again");
                }
            }
        });
    }

    /** Stores the result and marks the cell done, in one statement. */
    public void markDone(String hash, CellResult result, CellTiming timing, Provenance provenance) {
        finish(hash, "done", Canonical.json(result), null, timing, provenance);
    }

    /** Stores the one-line error and marks the cell failed. */
    public void markFailed(String hash, String error, CellTiming timing, Provenance provenance) {
        finish(hash, "failed", null, error, timing, provenance);
    }

    private void finish(String hash, String status, String result, String error, CellTiming timing, Provenance prov) {
        transaction(() -> {
            try (PreparedStatement ps = conn.prepareStatement("UPDATE cells SET status = ?, result = ?, error = ?, "
                    + "timing = ?, provenance = ?, updated = ? WHERE hash = ? AND status = 'running'")) {
                ps.setString(1, status);
                ps.setString(2, result);
                ps.setString(3, error);
                ps.setString(4, timing == null ? null : Canonical.json(timing));
                ps.setString(5, prov == null ? null : Canonical.json(prov));
                ps.setString(6, java.time.Instant.now().toString());
                ps.setString(7, hash);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("cell " + hash + " is not running; cannot mark it " + status);
                }
            }
        });
    }

    /** Rows in the plan's order (rows of cells no longer planned are left out). */
    public List<Row> rows() {
        List<Row> out = new ArrayList<>();
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT c.hash, c.status, c.spec, c.result, c.error, c.timing, c.provenance, c.attempts "
                        + "FROM cells c JOIN plan p ON p.hash = c.hash ORDER BY p.position")) {
            while (rs.next()) {
                out.add(new Row(rs.getString(1), Status.valueOf(rs.getString(2).toUpperCase(java.util.Locale.ROOT)),
                        rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8)));
            }
        } catch (SQLException e) {
            throw failure("read cells", e);
        }
        return out;
    }

    @FunctionalInterface
    private interface Sql {
        void run() throws SQLException;
    }

    private void transaction(Sql body) {
        try {
            conn.setAutoCommit(false);
            try {
                body.run();
                conn.commit();
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("write", e);
        }
    }

    private LorankException failure(String what, SQLException e) {
        return new LorankException(file + ": cannot " + what + " (" + e.getMessage()
                + "); is the disk full or the file damaged? use --force to start anew");
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // nothing is pending: every change was committed
        }
    }
}
