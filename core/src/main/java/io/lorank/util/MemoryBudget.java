package io.lorank.util;

import io.lorank.LorankException;

/**
 * The memory guard: before a large allocation, compare its size with what the Java heap can still give, and refuse
 * in one line that names the size, the heap limit and how to raise it, instead of failing later with an
 * {@link OutOfMemoryError} trace. {@code Main} turns an {@code OutOfMemoryError} that still happens into the same
 * kind of line ({@link #outOfMemoryMessage}).
 *
 * <pre>{@code
 * long values = Sizes.product("dense G", (long) outputs * examples, m, n);
 * MemoryBudget.require(Sizes.bytes(values, Double.BYTES), "dense G (" + outputs * examples + " x " + m + "x" + n + ")");
 * }</pre>
 * The check is an estimate (other allocations come and go) and errs on the side of running: it counts memory that a
 * garbage collection could free as available.
 */
public final class MemoryBudget {
    /** The environment variable the {@code lorank} launcher passes to {@code java} (e.g. {@code -Xmx16g}). */
    public static final String JAVA_OPTS = "LORANK_JAVA_OPTS";

    private MemoryBudget() {
    }

    /** Bytes the heap can still give: the maximum heap minus what live objects use now (an upper estimate). */
    public static long available() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** The maximum heap ({@code -Xmx}). */
    public static long maxHeap() {
        return Runtime.getRuntime().maxMemory();
    }

    /** Throws a one-line {@link LorankException} when {@code bytes} will not fit in the heap; {@code what} names it. */
    public static void require(long bytes, String what) {
        if (bytes <= available()) {
            return;
        }
        System.gc(); // only on the refusal path: count what a collection frees before saying no
        long free = available();
        if (bytes > free) {
            throw new LorankException(what + " needs " + Sizes.human(bytes) + ", but the Java heap has "
                    + Sizes.human(free) + " free of at most " + Sizes.human(maxHeap()) + "; " + raiseHint(bytes));
        }
    }

    /** The one line {@code Main} prints for an {@link OutOfMemoryError} that escaped every guard. */
    public static String outOfMemoryMessage(OutOfMemoryError e) {
        return "out of memory (" + e.getMessage() + ") with a Java heap of at most " + Sizes.human(maxHeap())
                + "; give Java more heap, e.g. " + JAVA_OPTS + "=-Xmx" + suggestGiB(2 * maxHeap())
                + "g, or use smaller sizes";
    }

    private static String raiseHint(long bytes) {
        long used = maxHeap() - available();
        long want = bytes + used + (1L << 30);
        long physical = physicalMemory();
        if (physical > 0 && want > physical) {
            return "that is more than this machine's " + Sizes.human(physical) + " of memory, so use smaller sizes"
                    + " (the heap is raised with " + JAVA_OPTS + "=-Xmx...)";
        }
        return "raise the heap with " + JAVA_OPTS + "=-Xmx" + suggestGiB(want) + "g or use smaller sizes";
    }

    /** Physical memory in bytes, or -1 when the JVM does not say. */
    static long physicalMemory() {
        try {
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                return sun.getTotalMemorySize();
            }
        } catch (RuntimeException | LinkageError e) {
            // not a HotSpot-style JVM: no hint about physical memory
        }
        return -1;
    }

    /** Whole GiB at least {@code bytes} (at least 1). */
    static long suggestGiB(long bytes) {
        return Math.max(1, (bytes + (1L << 30) - 1) >> 30);
    }
}
