package io.lorank.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lorank ntk} and {@code lorank linearized} end to end on the built-in wordnet-binary task (no shared data),
 * last-layer targets: kernel.json's layout (ids, labels, K, symmetric (N·K)² kernel with a positive diagonal),
 * the zero-shot row equal to {@code lorank eval}'s accuracy on the same test split (an independent path), LoRA
 * lowering the train objective below ΔW = 0, and the one-line user errors.
 */
class EntkCommandsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void ntkWritesTheKernelJson() throws Exception {
        CliRun.run(0, "ntk", "--task", "wordnet-binary", "--seed", "13", "--targets", "last-layer", "--out",
                dir.toString(), "--json");
        JsonNode k = JSON.readTree(Files.readString(dir.resolve("kernel.json")));
        int n = k.get("ids").size();
        assertEquals(32, n, "16 shots x 2 classes");
        assertEquals(n, k.get("labels").size());
        assertEquals(2, k.get("outputs").asInt());
        assertEquals(2, k.get("targets").size(), "last-layer query,value");
        assertEquals(n, k.get("logits").size());
        JsonNode theta = k.get("kernel");
        assertEquals(2 * n, theta.size());
        for (int a = 0; a < 2 * n; a++) {
            assertTrue(theta.get(a).get(a).asDouble() > 0, "diagonal " + a);
            for (int b = 0; b < a; b++) {
                double x = theta.get(a).get(b).asDouble();
                double y = theta.get(b).get(a).asDouble();
                assertEquals(x, y, 1e-9 * Math.abs(x) + 1e-15, "symmetry " + a + "," + b);
                double cs = x / Math.sqrt(theta.get(a).get(a).asDouble() * theta.get(b).get(b).asDouble());
                assertTrue(cs <= 1 + 1e-9, "Cauchy-Schwarz " + a + "," + b + ": " + cs);
            }
        }
    }

    @Test
    void linearizedZeroShotRowEqualsEvalAndLoraIsCertified() throws Exception {
        String lin = CliRun.run(0, "linearized", "--task", "wordnet-binary", "--seeds", "13", "--ranks", "1,2",
                "--targets", "last-layer", "--test-cap", "40", "--lora-iter", "300", "--convex-iter", "40",
                "--out", dir.resolve("lin").toString(), "--json");
        JsonNode r = JSON.readTree(lin);
        JsonNode rows = r.get("seeds").get(0).get("rows");
        assertEquals("zero-shot", rows.get(0).get("label").asText());
        assertEquals("convex", rows.get(1).get("label").asText());
        assertEquals("r=1", rows.get(2).get("label").asText());
        JsonNode e = JSON.readTree(CliRun.run(0, "eval", "--task", "wordnet-binary", "--head", "embedding",
                "--seed", "13", "--test-cap", "40", "--json"));
        assertEquals(e.get("accuracy").get("mean").asDouble(), rows.get(0).get("testAccuracy").asDouble(), 1e-12,
                "zero-shot row vs lorank eval");
        assertTrue(rows.get(2).get("objective").asDouble() < rows.get(0).get("objective").asDouble(),
                "LoRA r=1 must lower the train objective below dW = 0");
        // L-BFGS reaches the global optimum on this real (MiniLM, last layer) problem: both ranks pass the
        // certificate (relative duality gap <= 1e-6, ||grad F||_op <= lambda) and agree with the convex solve
        assertEquals("CONVERGED/CERTIFIED_GLOBAL", rows.get(1).get("verdict").asText(), "convex row");
        for (int j = 2; j <= 3; j++) {
            assertEquals("CERTIFIED_GLOBAL", rows.get(j).get("verdict").asText(), rows.get(j).get("label").asText());
            // weak duality: no objective lies below the seed's best dual bound (beyond rounding), and a certified row
            // is within the certificate's tolerance of it (its own dual point is one of those the best is taken over)
            double toBest = rows.get(j).get("gapToBestDual").asDouble();
            assertTrue(toBest >= -1e-12 && toBest <= 1e-6 + rows.get(j).get("relativeGap").asDouble(),
                    "gap to the best dual bound " + toBest + ", own " + rows.get(j).get("relativeGap").asDouble());
            double gap = rows.get(j).get("objective").asDouble() - rows.get(1).get("objective").asDouble();
            assertEquals(0, gap, 1e-6 * rows.get(1).get("objective").asDouble(), "LoRA vs convex objective");
        }
        assertEquals(1, r.get("seeds").get(0).get("minimalCertifiedRank").asInt());
        JsonNode cr = r.get("seeds").get(0).get("convexRanks");
        assertEquals(2, cr.size(), "one SVT rank per target");
        assertTrue(cr.get(0).asInt() + cr.get(1).asInt() >= 1, "a nonzero convex solution: " + cr);
        assertTrue(Files.exists(dir.resolve("lin/results.json")) && Files.exists(dir.resolve("lin/config.json")));
    }

    @Test
    void bf16FactorsGiveTheSameCertifiedOptimumWithinTheirRounding() throws Exception {
        String[] base = {"linearized", "--task", "wordnet-binary", "--seeds", "13", "--ranks", "1", "--targets", "last-layer",
            "--test-cap", "20", "--lora-iter", "300", "--convex-iter", "40", "--json"};
        JsonNode fp32 = JSON.readTree(CliRun.run(0, base)).get("seeds").get(0);
        String[] bf = java.util.Arrays.copyOf(base, base.length + 2);
        bf[base.length] = "--factor-dtype";
        bf[base.length + 1] = "bf16";
        JsonNode bf16 = JSON.readTree(CliRun.run(0, bf)).get("seeds").get(0);
        // values rounded by <= 2^-8 relative: lambda_max and the optimum move by far less than that here
        assertEquals(fp32.get("lambdaMax").asDouble(), bf16.get("lambdaMax").asDouble(), 4e-3 * fp32.get("lambdaMax").asDouble());
        double o32 = fp32.get("rows").get(1).get("objective").asDouble();
        double o16 = bf16.get("rows").get(1).get("objective").asDouble();
        assertEquals(o32, o16, 4e-3 * o32, "convex objective, fp32 vs bf16 factors");
        assertTrue(o32 != o16, "bf16 factors must actually differ from fp32 ones");
        assertEquals("CERTIFIED_GLOBAL", bf16.get("rows").get(2).get("verdict").asText());
        assertEquals(0.5 * fp32.get("trainFactorMiB").asDouble(), bf16.get("trainFactorMiB").asDouble(), 1e-9, "half the bytes");
    }

    @Test
    void userErrorsExitOne() {
        CliRun.run(1, "linearized", "--task", "wordnet-binary", "--shots", "0");
        CliRun.run(1, "linearized", "--task", "wordnet-binary", "--ranks", "0");
        CliRun.run(1, "linearized", "--task", "wordnet-binary", "--lambda-fraction", "2");
        CliRun.run(1, "ntk", "--task", "wordnet-binary", "--seed", "13", "--targets", "no.such.module", "--out", dir.toString());
    }
}
