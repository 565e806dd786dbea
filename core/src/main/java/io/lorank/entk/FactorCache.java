package io.lorank.entk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorank.data.Example;
import io.lorank.encoder.LinearTarget;
import io.lorank.linearized.GradientFactors;
import io.lorank.util.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Train-split gradient factors on disk, so that {@code lorank ntk} and {@code lorank linearized} extract them once
 * per (model SHA-256, task, shots, split seed, the split's examples, targets, head, K, dtype, max length). The key
 * is canonical JSON; the file is {@code DIR/<SHA-256 of the key>.factors} and holds the key itself, so a hash
 * collision or a stale file reads as a miss. Files are written atomically ({@link AtomicFiles}); a truncated or
 * foreign file is a miss and is rewritten.
 *
 * <p>Format (big-endian): magic "LRKF", version, key (UTF-8, length-prefixed), N, K, targets (name, out, in),
 * offsets [N + 1], per target X [ΣT·n] and D [K·ΣT·m] as fp32, then f0 [N·K] as fp64.
 *
 * <p>The directory: system property {@code lorank.factor-cache}, else environment variable
 * {@code LORANK_FACTOR_CACHE}, else {@code ~/.cache/lorank/factors}; the value {@code off} disables the cache.
 */
public final class FactorCache {
    private static final int MAGIC = 0x4C524B46; // "LRKF"
    private static final int VERSION = 2; // 2: factors extracted with GradSafe (version-1 files had query D = 0)
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What identifies a set of factors. {@code examplesSha256} hashes ids, texts and labels in order. */
    public record Key(String modelSha256, String task, int shots, int seed, String examplesSha256, List<String> targets,
                      String head, int outputs, String dtype, int maxLength) {
        public Key {
            targets = List.copyOf(targets);
        }

        /** Canonical JSON (fixed field order). */
        public String json() {
            ObjectNode o = JSON.createObjectNode();
            o.put("model_sha256", modelSha256);
            o.put("task", task);
            o.put("shots", shots);
            o.put("seed", seed);
            o.put("examples_sha256", examplesSha256);
            targets.forEach(o.putArray("targets")::add);
            o.put("head", head);
            o.put("outputs", outputs);
            o.put("dtype", dtype);
            o.put("max_length", maxLength);
            return o.toString();
        }

        /** The key of the given examples' fp32 factors. */
        public static Key of(String modelSha256, String task, int shots, int seed, List<Example> examples,
                             List<LinearTarget> targets, String head, int outputs, int maxLength) {
            return of(modelSha256, task, shots, seed, examples, targets, head, outputs, maxLength, FactorDtype.FP32);
        }

        /** The key of the given examples' factors stored in {@code dtype}. */
        public static Key of(String modelSha256, String task, int shots, int seed, List<Example> examples,
                             List<LinearTarget> targets, String head, int outputs, int maxLength, FactorDtype dtype) {
            return new Key(modelSha256, task, shots, seed, FactorCache.examplesSha256(examples),
                    targets.stream().map(LinearTarget::name).toList(), head, outputs, dtype.label(), maxLength);
        }

        boolean bf16() {
            return FactorDtype.BF16.label().equals(dtype);
        }
    }

    private final Path dir;

    /** A cache in {@code dir} (created on first write). */
    public FactorCache(Path dir) {
        this.dir = dir;
    }

    /** The configured cache (see the class comment), or empty when it is off. */
    public static Optional<FactorCache> configured() {
        String v = System.getProperty("lorank.factor-cache", System.getenv("LORANK_FACTOR_CACHE"));
        if ("off".equals(v)) {
            return Optional.empty();
        }
        Path p = v == null || v.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "lorank", "factors") : Path.of(v);
        return Optional.of(new FactorCache(p));
    }

    public Path dir() {
        return dir;
    }

    /** The file that holds (or would hold) the key's factors. */
    public Path file(Key key) {
        return dir.resolve(sha256(key.json()) + ".factors");
    }

    /** The cached factors, or {@code extract} run and its result stored; {@code hit[0]} says which (may be null). */
    public FactorExtractor.Extraction getOrExtract(Key key, Supplier<FactorExtractor.Extraction> extract, boolean[] hit) {
        Optional<FactorExtractor.Extraction> cached = read(key);
        if (hit != null) {
            hit[0] = cached.isPresent();
        }
        if (cached.isPresent()) {
            return cached.get();
        }
        FactorExtractor.Extraction x = extract.get();
        write(key, x);
        return x;
    }

    /** The key's factors when a valid file holds them. */
    public Optional<FactorExtractor.Extraction> read(Key key) {
        Path f = file(key);
        try (InputStream raw = Files.newInputStream(f);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                return Optional.empty();
            }
            byte[] kb = new byte[in.readInt()];
            in.readFully(kb);
            if (!key.json().equals(new String(kb, StandardCharsets.UTF_8))) {
                return Optional.empty();
            }
            int n = in.readInt();
            int k = in.readInt();
            int nt = in.readInt();
            List<LinearTarget> targets = new ArrayList<>();
            for (int l = 0; l < nt; l++) {
                targets.add(new LinearTarget(in.readUTF(), in.readInt(), in.readInt()));
            }
            int[] off = new int[n + 1];
            for (int i = 0; i <= n; i++) {
                off[i] = in.readInt();
            }
            float[][] x = new float[nt][];
            float[][] d = new float[nt][];
            for (int l = 0; l < nt; l++) {
                x[l] = readFloats(in, (long) off[n] * targets.get(l).in(), key.bf16());
                d[l] = readFloats(in, (long) k * off[n] * targets.get(l).out(), key.bf16());
            }
            double[][] f0 = new double[n][k];
            for (int i = 0; i < n; i++) {
                for (int q = 0; q < k; q++) {
                    f0[i][q] = in.readDouble();
                }
            }
            if (in.read() != -1) {
                return Optional.empty();
            }
            return Optional.of(new FactorExtractor.Extraction(new GradientFactors(targets, k, off, x, d), f0));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) { // truncated or foreign: a miss, rewritten by the caller
            return Optional.empty();
        }
    }

    /** Stores the key's factors (atomically: readers see the old file or the whole new one). */
    public void write(Key key, FactorExtractor.Extraction x) {
        GradientFactors f = x.factors();
        AtomicFiles.write(file(key), raw -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 20));
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            byte[] kb = key.json().getBytes(StandardCharsets.UTF_8);
            out.writeInt(kb.length);
            out.write(kb);
            out.writeInt(f.examples());
            out.writeInt(f.outputs());
            out.writeInt(f.targets().size());
            for (LinearTarget t : f.targets()) {
                out.writeUTF(t.name());
                out.writeInt(t.out());
                out.writeInt(t.in());
            }
            for (int o : f.offsets()) {
                out.writeInt(o);
            }
            for (int l = 0; l < f.targets().size(); l++) {
                writeFloats(out, f.x()[l], key.bf16());
                writeFloats(out, f.d()[l], key.bf16());
            }
            for (double[] row : x.f0()) {
                for (double v : row) {
                    out.writeDouble(v);
                }
            }
            out.flush();
        });
    }

    /** fp32, or bf16 (the top 16 bits after rounding: the caller stores bf16-rounded factors, so nothing is lost). */
    private static void writeFloats(DataOutputStream out, float[] a, boolean bf16) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(a.length * (bf16 ? 2 : 4)).order(ByteOrder.BIG_ENDIAN);
        if (bf16) {
            for (float v : a) {
                b.putShort(io.lorank.linearized.Bf16.bits(v));
            }
        } else {
            b.asFloatBuffer().put(a);
        }
        out.write(b.array());
    }

    private static float[] readFloats(DataInputStream in, long count, boolean bf16) throws IOException {
        int width = bf16 ? 2 : 4;
        if (count > Integer.MAX_VALUE / width) {
            throw new IOException("factor array of " + count + " values is too large for this format");
        }
        byte[] bytes = new byte[(int) count * width];
        in.readFully(bytes);
        float[] a = new float[(int) count];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        if (bf16) {
            for (int i = 0; i < a.length; i++) {
                a[i] = io.lorank.linearized.Bf16.value(buf.getShort());
            }
        } else {
            buf.asFloatBuffer().get(a);
        }
        return a;
    }

    /** SHA-256 over the examples' ids, texts, pair texts and labels, in order. */
    static String examplesSha256(List<Example> examples) {
        StringBuilder s = new StringBuilder();
        for (Example e : examples) {
            s.append(e.id()).append('\u0000').append(e.text()).append('\u0000')
                    .append(e.textPair() == null ? "" : e.textPair()).append('\u0000').append(e.label()).append('\n');
        }
        return sha256(s.toString());
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
