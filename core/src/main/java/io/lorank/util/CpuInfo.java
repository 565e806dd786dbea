package io.lorank.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The CPU this process runs on, from {@code /proc/cpuinfo} (Linux; "unknown" elsewhere): model name, vendor, the
 * x86 family/model and the SIMD flags that decide the fast compute paths. Benchmarks print {@link #summary()} so every
 * figure names its machine.
 *
 * @param model     e.g. "AMD EPYC 9R14 96-Core Processor" (as the kernel reports it)
 * @param vendor    "AuthenticAMD", "GenuineIntel", ... or "unknown"
 * @param family    x86 CPU family (25 = Zen 3/4, 26 = Zen 5), -1 if unknown
 * @param modelId   x86 model number, -1 if unknown
 * @param cores     logical processors available to the JVM
 * @param flags     CPU flags (avx2, avx512f, avx512_bf16, amx_tile, ...)
 */
public record CpuInfo(String model, String vendor, int family, int modelId, int cores, Set<String> flags) {

    public static CpuInfo current() {
        return parse(readCpuinfo(), Runtime.getRuntime().availableProcessors());
    }

    /** Parses the first processor block of a /proc/cpuinfo text. */
    public static CpuInfo parse(List<String> lines, int cores) {
        String model = "unknown";
        String vendor = "unknown";
        int family = -1;
        int modelId = -1;
        Set<String> flags = new HashSet<>();
        for (String line : lines) {
            if (line.isBlank() && !model.equals("unknown")) {
                break; // end of the first processor block
            }
            int c = line.indexOf(':');
            if (c < 0) {
                continue;
            }
            String key = line.substring(0, c).trim();
            String val = line.substring(c + 1).trim();
            switch (key) {
                case "model name" -> model = val;
                case "vendor_id" -> vendor = val;
                case "cpu family" -> family = parseInt(val);
                case "model" -> modelId = parseInt(val);
                case "flags" -> flags.addAll(Arrays.asList(val.toLowerCase(Locale.ROOT).split("\\s+")));
                default -> {
                }
            }
        }
        return new CpuInfo(model, vendor, family, modelId, cores, Set.copyOf(flags));
    }

    public boolean isAmd() {
        return vendor.equals("AuthenticAMD");
    }

    public boolean has(String flag) {
        return flags.contains(flag);
    }

    /** One line: model, vendor, family/model, cores, the SIMD level. */
    public String summary() {
        String simd = has("avx512f") ? "AVX-512" + (has("avx512_bf16") ? "+BF16" : "") + (has("amx_tile") ? "+AMX" : "")
                : has("avx2") ? "AVX2" : "no AVX2";
        return String.format(Locale.ROOT, "%s (%s, family %d model %d, %d cores, %s)", model, vendor, family, modelId, cores, simd);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static List<String> readCpuinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
