package io.lorank.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.LorankException;
import io.lorank.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PyTorch peer's medians (../shared/peer: MiniLM, N = 32 × T = 64, K = 2, 12 targets 384², r = 8) that the
 * benchmarks report ratios against. Best taken from a peer run in the same session ({@code --peer bench.json},
 * written by the peer's {@code bench.py --out}); otherwise the figures stored in the peer's RESULTS.md.
 *
 * @param source           where the figures come from
 * @param forward          section 1: forward only, seconds
 * @param forwardBackward  section 2: forward+backward, all parameters trainable, seconds
 * @param linDenseGemv     section 7b: linearized LoRA epoch, dense G as GEMV, seconds
 * @param linFactored      section 7c: linearized LoRA epoch, factored, seconds
 */
public record PeerFigures(String source, double forward, double forwardBackward, double linDenseGemv,
                          double linFactored) {

    /** ../shared/peer/RESULTS.md, measured 2026-11-22T10:50 on a 2-core Xeon (CPU model 167). */
    public static final PeerFigures STORED = new PeerFigures(
            "../shared/peer/RESULTS.md (stored run, 2026-11-22T10:50, CPU model 167)", 0.249, 0.7795, 0.0641, 0.0322);

    /** {@code file} null: the stored figures; else the peer's bench.json. */
    public static PeerFigures load(Path file) {
        if (file == null) {
            return STORED;
        }
        JsonNode root;
        try {
            root = Json.readTree(file);
        } catch (LorankException e) {
            throw new LorankException(e.getMessage() + "; expected the peer's bench.json (write one with"
                    + " `python3 bench.py --out FILE` in ../shared/peer)");
        }
        String date = root.path("machine").path("date").asText("unknown date");
        return new PeerFigures(file + " (peer run " + date + ")", median(root, file, "1_forward"),
                median(root, file, "2_train_full"), median(root, file, "7b_lin_dense_gemv"),
                median(root, file, "7c_lin_factored"));
    }

    private static double median(JsonNode root, Path file, String section) {
        JsonNode v = root.path(section).path("median_s");
        if (!v.isNumber()) {
            throw new LorankException(file + ": no " + section + ".median_s; is this the peer's bench.json "
                    + "(bench.py without --quick sections removed)?");
        }
        return v.asDouble();
    }
}
