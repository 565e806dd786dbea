package io.lorank.util;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.LorankException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A run's output folder ({@code --out DIR}) as a transaction: the run writes into a hidden sibling
 * {@code .DIR.incomplete-PID/}, and {@link #commit()} writes the manifest {@code run.json} last and renames the
 * whole folder into place. So {@code DIR} is always either the previous complete run or the new complete run, never a
 * mix, and stale files (an old {@code seed-*}/ folder) cannot survive a new run.
 *
 * <pre>{@code
 * try (RunFolder run = RunFolder.open(out, force, "eval", config)) {   // checks DIR before any work
 *     ... compute ...
 *     AtomicFiles.writeString(run.dir().resolve("results.json"), json);  // write into run.dir(), not into out
 *     run.commit();                                                      // run.json, then rename into place
 * }                                                                      // not committed: the partial folder is removed
 * }</pre>
 *
 * <p>Where the state is recorded: {@code DIR/run.json} ({@code "status": "complete"}, the command, the config and its
 * SHA-256, the files, the time) is written last, so a folder with it is complete. A hidden
 * {@code .DIR.incomplete-PID/} beside it is a run that is still going or was killed ({@code run.json} there says
 * {@code "running"}); the next run into {@code DIR} removes it when that process is gone.
 *
 * <p>Rules checked by {@link #open}: {@code DIR} must be a folder (or not exist) in a writable parent; a folder
 * holding a run with another command or config is refused unless {@code force} (then replaced whole); a non-empty
 * folder without {@code run.json} that is not an earlier lorank output is always refused (lorank replaces run folders
 * whole and will not delete your files); another live lorank writing the same {@code DIR} is refused.
 */
public final class RunFolder implements AutoCloseable {
    /** The manifest, written last. */
    public static final String MANIFEST = "run.json";
    private static final String INCOMPLETE = ".incomplete-";
    private static final String REPLACED = ".replaced-";
    /** Files that mark a folder written by lorank before run folders had a manifest. */
    private static final List<String> LEGACY_MARKERS = List.of("config.json", "results.json", "phase.json", "split.json");

    private final Path target;
    private final Path staging;
    private final String command;
    private final JsonNode config;
    private final String configSha256;
    private boolean committed;

    private RunFolder(Path target, Path staging, String command, JsonNode config, String configSha256) {
        this.target = target;
        this.staging = staging;
        this.command = command;
        this.config = config;
        this.configSha256 = configSha256;
    }

    /**
     * Claims {@code out} for a run of {@code command} with {@code config} (any Jackson-serializable value; the
     * resolved options): checks the folder, cleans up what killed runs left, and creates the staging folder (so an
     * unwritable {@code --out} fails here, before any work).
     *
     * @param force replace a folder that holds a different run
     */
    public static RunFolder open(Path out, boolean force, String command, Object config) {
        Path target = out.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) {
            throw new LorankException(out + ": cannot be a run folder (the file system root); give a folder such as runs/x");
        }
        JsonNode cfg = Json.MAPPER.valueToTree(config);
        String sha = sha256(command + "\n" + cfg.toString());
        String name = target.getFileName().toString();
        recover(parent, name, target);
        if (Files.exists(target)) {
            checkReplaceable(out, target, command, sha, force);
        }
        Path staging = parent.resolve("." + name + INCOMPLETE + ProcessHandle.current().pid());
        try {
            Files.createDirectories(parent);
            deleteRecursively(staging);
            Files.createDirectory(staging);
        } catch (IOException | UncheckedIOException e) {
            throw new LorankException(out + ": cannot create the run folder (in " + parent + ": " + reason(e)
                    + "); choose a writable --out");
        }
        RunFolder run = new RunFolder(target, staging, command, cfg, sha);
        run.writeManifest("running");
        return run;
    }

    /** Where the run writes its files until {@link #commit()}. */
    public Path dir() {
        return staging;
    }

    /** The final folder ({@code --out}, absolute). */
    public Path target() {
        return target;
    }

    /** Writes {@code run.json} ("complete") and renames the folder into place, replacing the previous run whole. */
    public void commit() {
        if (committed) {
            throw new IllegalStateException("run folder " + target + " already committed");
        }
        writeManifest("complete");
        Path replaced = target.resolveSibling("." + target.getFileName() + REPLACED + ProcessHandle.current().pid());
        try {
            if (Files.exists(target)) {
                move(target, replaced);
            }
            move(staging, target);
            committed = true;
            deleteRecursively(replaced);
        } catch (IOException | UncheckedIOException e) {
            throw new LorankException(target + ": cannot move the finished run into place (" + reason(e)
                    + "); it is complete in " + staging);
        }
    }

    /** Without {@link #commit()}: removes the partial folder, so {@code DIR} stays the previous run. */
    @Override
    public void close() {
        if (!committed) {
            try {
                deleteRecursively(staging);
            } catch (UncheckedIOException e) {
                // best effort: a hidden .incomplete folder is removed by the next run
            }
        }
    }

    /** The state of a folder: its {@code run.json} "status" ("complete", "running"), or empty when it has none. */
    public static Optional<String> status(Path dir) {
        Path m = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(m)) {
            return Optional.empty();
        }
        JsonNode n = Json.readTree(m);
        return Optional.ofNullable(n.path("status").textValue());
    }

    private void writeManifest(String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("command", command);
        m.put("config_sha256", configSha256);
        m.put(status.equals("complete") ? "completed" : "started", Instant.now().toString());
        m.put("pid", ProcessHandle.current().pid());
        if (status.equals("complete")) {
            m.put("files", listFiles(staging));
        }
        m.put("config", config);
        AtomicFiles.writeString(staging.resolve(MANIFEST), Json.write(m) + "\n");
    }

    private static void checkReplaceable(Path out, Path target, String command, String sha, boolean force) {
        if (!Files.isDirectory(target)) {
            throw new LorankException(out + ": is a file, not a folder; give a new or existing folder as --out");
        }
        Path manifest = target.resolve(MANIFEST);
        if (Files.isRegularFile(manifest)) {
            JsonNode m = Json.readTree(manifest);
            boolean same = command.equals(m.path("command").textValue()) && sha.equals(m.path("config_sha256").textValue());
            if (!same && !force) {
                throw new LorankException(out + ": holds a different run (" + m.path("command").asText("?") + ", "
                        + m.path("completed").asText(m.path("started").asText("?")) + "); add --force to replace it"
                        + " whole, or give another --out");
            }
            return;
        }
        List<String> entries = entries(target);
        if (entries.isEmpty()) {
            return;
        }
        boolean legacy = entries.stream().anyMatch(LEGACY_MARKERS::contains);
        if (!legacy) {
            throw new LorankException(out + ": is not empty and holds no lorank run (no " + MANIFEST + "; found "
                    + String.join(", ", entries.subList(0, Math.min(3, entries.size())))
                    + (entries.size() > 3 ? ", ..." : "") + "); give a new or empty folder as --out");
        }
        if (!force) {
            throw new LorankException(out + ": holds an earlier lorank run (no " + MANIFEST + "); add --force to"
                    + " replace it whole, or give another --out");
        }
    }

    /** Finishes or undoes what killed runs into {@code name} left behind, and refuses a live concurrent run. */
    private static void recover(Path parent, String name, Path target) {
        if (!Files.isDirectory(parent)) {
            return;
        }
        List<Path> incomplete = new ArrayList<>();
        List<Path> replaced = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, "." + name + ".*-*")) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                String rest = f.substring(name.length() + 1);
                if (rest.startsWith(INCOMPLETE)) {
                    incomplete.add(p);
                } else if (rest.startsWith(REPLACED)) {
                    replaced.add(p);
                }
            }
        } catch (IOException e) {
            return; // an unreadable parent is reported when the staging folder cannot be created
        }
        for (Path p : incomplete) {
            long pid = pidOf(p);
            if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                throw new LorankException(target + ": another lorank run (pid " + pid + ") is writing this folder;"
                        + " wait for it or give another --out");
            }
        }
        try {
            for (Path p : incomplete) {
                // killed between the two renames of commit(): its run is complete, put it in place
                if (!Files.exists(target) && status(p).filter("complete"::equals).isPresent()) {
                    move(p, target);
                } else {
                    deleteRecursively(p);
                }
            }
            for (Path p : replaced) {
                if (!Files.exists(target)) {
                    move(p, target); // killed before the new run was in place: the previous run comes back
                } else {
                    deleteRecursively(p);
                }
            }
        } catch (IOException | UncheckedIOException | LorankException e) {
            // leftovers stay hidden; the run itself can go on
        }
    }

    private static long pidOf(Path p) {
        String f = p.getFileName().toString();
        try {
            return Long.parseLong(f.substring(f.lastIndexOf('-') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static List<String> entries(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new LorankException(dir + ": cannot list (" + e.getMessage() + ")");
        }
    }

    private static List<String> listFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(f -> !f.equals(MANIFEST)).sorted().toList();
        } catch (IOException e) {
            throw new LorankException(dir + ": cannot list (" + e.getMessage() + ")");
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteRecursively(Path p) {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            Iterator<Path> it = s.sorted(Comparator.reverseOrder()).iterator();
            while (it.hasNext()) {
                Files.deleteIfExists(it.next());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String reason(Exception e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        String m = t.getMessage();
        return t.getClass().getSimpleName().replace("Exception", "") + (m == null ? "" : ": " + m);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
