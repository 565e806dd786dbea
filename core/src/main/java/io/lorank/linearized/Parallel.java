package io.lorank.linearized;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs independent per-target work on one small pool of daemon threads (one per core; pure-Java kernels, no native
 * thread pools involved). Results must be written to per-target slots and combined by the caller in target order,
 * so the arithmetic is the same whatever the thread count (bitwise deterministic).
 */
public final class Parallel {
    private static final int THREADS = Math.max(1, Integer.getInteger("lorank.threads", Runtime.getRuntime().availableProcessors()));
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "lorank-linearized");
        t.setDaemon(true);
        return t;
    });

    private Parallel() {
    }

    /** Threads used (system property {@code lorank.threads}, default: available processors). */
    public static int threads() {
        return THREADS;
    }

    /** body(l) for l in [0, n); the calling thread takes a share. */
    public static void forEach(int n, IntConsumer body) {
        if (THREADS == 1 || n == 1) {
            for (int l = 0; l < n; l++) {
                body.accept(l);
            }
            return;
        }
        int workers = Math.min(THREADS, n);
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Runnable drain = () -> {
            for (int l = next.getAndIncrement(); l < n; l = next.getAndIncrement()) {
                body.accept(l);
            }
        };
        Future<?>[] f = new Future<?>[workers - 1];
        for (int w = 0; w < f.length; w++) {
            f[w] = POOL.submit(drain);
        }
        drain.run();
        for (Future<?> x : f) {
            try {
                x.get();
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
