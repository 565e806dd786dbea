package io.lorank.study;

import io.lorank.util.AtomicFiles;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Keyed matrices on disk shared by cells (e.g. the test set's pooled features at W0): the file name is the SHA-256
 * of the key, written atomically, so cells running in any order or process read the same bytes and a half-written
 * file is never seen. fp64, row-major, with the shape in front.
 */
public final class ArtifactCache {
    private final Path dir;

    public ArtifactCache(Path dir) {
        this.dir = dir;
    }

    /** The UTF-8 text stored under {@code key} (e.g. a JSON result group), computing and storing it first when absent. */
    public String text(String key, Supplier<String> compute) {
        Path f = dir.resolve("t-" + Canonical.sha256(key).substring(0, 32) + ".json");
        if (Files.isRegularFile(f)) {
            try {
                return Files.readString(f);
            } catch (IOException e) {
                // unreadable: recompute and overwrite below
            }
        }
        String t = compute.get();
        AtomicFiles.writeString(f, t);
        return t;
    }

    /** The matrix stored under {@code key}, computing and storing it first when absent. */
    public double[][] matrix(String key, Supplier<double[][]> compute) {
        Path f = dir.resolve("m-" + Canonical.sha256(key).substring(0, 32) + ".bin");
        if (Files.isRegularFile(f)) {
            try (InputStream raw = Files.newInputStream(f);
                 DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
                int rows = in.readInt();
                int cols = in.readInt();
                double[][] m = new double[rows][cols];
                for (double[] row : m) {
                    for (int j = 0; j < cols; j++) {
                        row[j] = in.readDouble();
                    }
                }
                return m;
            } catch (IOException e) {
                // unreadable: recompute and overwrite below
            }
        }
        double[][] m = compute.get();
        AtomicFiles.write(f, out -> {
            DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(out));
            d.writeInt(m.length);
            d.writeInt(m.length == 0 ? 0 : m[0].length);
            for (double[] row : m) {
                for (double v : row) {
                    d.writeDouble(v);
                }
            }
            d.flush();
        });
        return m;
    }
}
