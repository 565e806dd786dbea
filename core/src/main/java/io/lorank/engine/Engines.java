package io.lorank.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * The one place that starts DJL's PyTorch engine, so that every caller gets the fast, offline set-up with no flags.
 *
 * <p>Before the first DJL class touches the engine this sets (unless the user already set them as system
 * properties):
 * <ul>
 *   <li>{@code ai.djl.offline=true}: the libtorch natives come from the {@code pytorch-native-cpu} and
 *       {@code pytorch-jni} jars on the classpath; nothing is downloaded.</li>
 *   <li>{@code ai.djl.pytorch.num_threads} = available processors (intra-op threads) and
 *       {@code ai.djl.pytorch.num_interop_threads} = 1. DJL's {@code PtEngine.newInstance()} reads both once, when
 *       the engine is created, and calls {@code at::set_num_threads} / {@code at::set_num_interop_threads}. One
 *       inter-op thread because lorank never runs independent ops concurrently and on a 2-core machine a second
 *       pool only fights the intra-op OpenMP team.</li>
 *   <li>{@code ai.djl.pytorch.graph_optimizer=false}: only relevant to TorchScript, which lorank does not use;
 *       it silences DJL's warning.</li>
 * </ul>
 * The device is the engine's default: the first GPU when libtorch sees one, else the CPU (the shipped
 * {@code pytorch-native-cpu} jar has no CUDA; a CUDA native jar in its place is picked up with no code change).
 *
 * <p>On AMD CPUs it also loads a one-function library that makes libtorch's MKL take its Intel AVX2/AVX-512
 * kernels ({@link MklAmdShim}; ~2.3× on fp32 GEMM on Zen 5): the GEMM path is the fast one with no flags.
 *
 * <p>One setting cannot be made from inside the JVM: libgomp reads its wait policy when libtorch is loaded. The
 * {@code ./lorank} launcher and the surefire configuration export {@code GOMP_SPINCOUNT=10000} (unless the user set
 * {@code OMP_WAIT_POLICY} or {@code GOMP_SPINCOUNT}): a short spin, then sleep. Long spinning made the forward
 * 2.5–5.7× slower on a busy 2-core machine, passive waiting costs ~7 % on an idle one; the short spin is as fast as
 * spinning when idle and close to passive when busy (BENCHMARKS.md, "Threading and environment").
 */
public final class Engines {
    private static volatile Engine engine;

    private Engines() {
    }

    /** The PyTorch engine, configured on first use. Thread-safe. */
    public static Engine pytorch() {
        Engine e = engine;
        if (e == null) {
            synchronized (Engines.class) {
                if (engine == null) {
                    configure();
                    engine = Engine.getEngine("PyTorch");
                }
                e = engine;
            }
        }
        return e;
    }

    /** Default device: GPU 0 when present, else CPU. */
    public static Device device() {
        return pytorch().defaultDevice();
    }

    /** A new base manager on the default device; the caller closes it. */
    public static NDManager newManager() {
        return pytorch().newBaseManager(device());
    }

    /** Intra-op threads lorank asks libtorch for (the number of available processors). */
    public static int intraOpThreads() {
        return Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads",
                String.valueOf(Runtime.getRuntime().availableProcessors())));
    }

    /**
     * Sets the system properties above (idempotent, cheap). Called by {@link #pytorch()}; call it before using any
     * other DJL native library on its own (the tokenizers).
     */
    public static synchronized void configure() {
        // DJL logs CUDA probing and library extraction at WARN/INFO through slf4j-simple; keep the CLI quiet.
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl", "error");
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", String.valueOf(Runtime.getRuntime().availableProcessors()));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
        setIfAbsent("ai.djl.default_engine", "PyTorch");
        MklAmdShim.install(); // before libtorch is loaded; a no-op except on AMD
    }

    /** Which GEMM path libtorch's MKL takes here (the AMD shim's status), for benchmark output. */
    public static String gemmPath() {
        return "libtorch MKL; " + MklAmdShim.status();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
