package io.lorank.engine;

import io.lorank.util.CpuInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * On AMD x86-64 CPUs, loads {@code liblorank-mkl-amd.so} (source: {@code src/main/native/mkl_amd_shim.c}) with
 * RTLD_GLOBAL before libtorch, so that the MKL inside libtorch answers "Intel" to its vendor check and runs the
 * AVX2/AVX-512 kernels the CPU has instead of its slow generic ones: fp32 sgemm 2048³ on 2 Zen 5 cores ~85 → ~200
 * GFLOP/s (BENCHMARKS.md, "GEMM path on AMD"). A no-op on Intel and elsewhere; system property
 * {@code lorank.mklAmdShim=false} turns it off (for comparisons). Must run before libtorch is loaded:
 * {@link Engines#configure()} calls it.
 */
final class MklAmdShim {
    static final String RESOURCE = "/io/lorank/engine/linux-x86_64/liblorank-mkl-amd.so";
    private static String status = "not tried";

    private MklAmdShim() {
    }

    /** Loads the shim when it applies (idempotent); never throws: a failure only leaves MKL's default path. */
    static synchronized void install() {
        if (!status.equals("not tried")) {
            return;
        }
        CpuInfo cpu = CpuInfo.current();
        boolean linuxX86 = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                && System.getProperty("os.arch", "").matches("amd64|x86_64");
        if (!Boolean.parseBoolean(System.getProperty("lorank.mklAmdShim", "true"))) {
            status = "off (-Dlorank.mklAmdShim=false): MKL's default path";
        } else if (!linuxX86 || !cpu.isAmd()) {
            status = "not needed (" + cpu.vendor() + ", " + System.getProperty("os.arch") + "): MKL's default path";
        } else {
            try {
                Path so = extract();
                org.bytedeco.javacpp.Loader.loadGlobal(so.toString());
                status = "AMD: MKL vendor check answered by liblorank-mkl-amd.so (Intel AVX2/AVX-512 kernels)";
            } catch (IOException | LinkageError | RuntimeException e) {
                status = "AMD: shim failed to load (" + e.getMessage() + "): MKL's default (slow) path";
            }
        }
    }

    /** One line for benchmark output: whether the shim is in place and why. */
    static synchronized String status() {
        return status;
    }

    private static Path extract() throws IOException {
        try (InputStream in = MklAmdShim.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is missing from the classpath");
            }
            Path dir = Files.createTempDirectory("lorank-mkl");
            Path so = dir.resolve("liblorank-mkl-amd.so");
            Files.copy(in, so, StandardCopyOption.REPLACE_EXISTING);
            so.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return so;
        }
    }
}
