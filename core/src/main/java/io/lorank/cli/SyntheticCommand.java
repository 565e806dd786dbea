package io.lorank.cli;

import io.lorank.cli.options.Converters;
import io.lorank.linearized.experiments.LandscapeProbe;
import io.lorank.linearized.Synthetic;
import io.lorank.linearized.experiments.SyntheticExperiment;
import io.lorank.util.Finite;
import io.lorank.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.Locale;

/** {@code lorank synthetic}: minimal certified LoRA rank on planted Gaussian problems, against the papers' bounds. */
@Command(name = "synthetic", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Minimal certified LoRA rank on planted synthetic problems (Gaussian-iid G, one m x n target),"
                + " beside the convex optimum's rank, a landscape probe and the two papers' rank bounds.",
                "Example: lorank synthetic --loss ce --m 48 --n 48 --examples 32 --outputs 2 --planted-rank 2"
                        + " --seeds 13,21,42,87,100 --json"})
public final class SyntheticCommand implements Runnable {
    @Option(names = "--loss", description = "ce | squared | logistic") String loss = "ce";
    @Option(names = "--m", converter = Converters.PositiveInt.class, description = "rows of the target (out features)") int m = 48;
    @Option(names = "--n", converter = Converters.PositiveInt.class, description = "columns of the target (in features)") int n = 48;
    @Option(names = "--examples", converter = Converters.PositiveInt.class, description = "N") int examples = 32;
    @Option(names = "--outputs", converter = Converters.PositiveInt.class, description = "K") int outputs = 2;
    @Option(names = "--planted-rank", converter = Converters.PositiveInt.class, description = "rank of the planted teacher (1..min(m,n))") int plantedRank = 2;
    @Option(names = "--seeds", split = ",", converter = Converters.Seed.class, description = "seeds") long[] seeds = {13, 21, 42, 87, 100};
    @Option(names = "--lambda-fraction", converter = Converters.Fraction.class, description = "lambda = this * lambda_max, in (0, 1)") double lambdaFraction = 0.05;
    @Option(names = "--max-rank", converter = Converters.PositiveInt.class, description = "largest LoRA rank tried") int maxRank = 16;
    @Option(names = "--inits", converter = Converters.PositiveInt.class, description = "inits per rank (minimal rank)") int inits = 2;
    @Option(names = "--probe-inits", converter = Converters.NonNegativeInt.class, description = "inits per rank (landscape probe; 0 = none)") int probeInits = 5;
    @Option(names = "--probe-tol", converter = Converters.PositiveDouble.class, description = "relative tolerance for reaching the convex optimum") double probeTol = 1e-5;
    @Option(names = "--probe-to-rank", converter = Converters.NonNegativeInt.class, description = "highest rank the landscape probe visits (0 = convex rank + 1)") int probeToRank = 0;
    @Option(names = "--json", description = "print JSON") boolean json;

    @Override
    public void run() {
        Synthetic.LossKind kind = switch (loss.toLowerCase(Locale.ROOT)) {
            case "ce" -> Synthetic.LossKind.CE;
            case "squared" -> Synthetic.LossKind.SQUARED;
            case "logistic" -> Synthetic.LossKind.LOGISTIC;
            default -> throw new io.lorank.LorankException("--loss " + loss + ": expected ce, squared or logistic");
        };
        SyntheticExperiment.Result r = SyntheticExperiment.run(new SyntheticExperiment.Config(kind, m, n, examples, outputs,
                plantedRank, seeds, lambdaFraction, maxRank, inits, probeInits, probeTol, probeToRank));
        for (SyntheticExperiment.SeedResult sr : r.seeds()) { // no answer printed from NaN/inf
            Finite.require("synthetic seed " + sr.seed() + ": lambda, convex objective, duality gap", sr.lambda(),
                    sr.convexObjective(), sr.convexGap());
        }
        if (json) {
            System.out.println(ProvenanceJson.write(r, null, null));
            return;
        }
        System.out.printf(Locale.ROOT, "loss=%s m=%d n=%d N=%d K=%d KN=%d planted rank=%d lambda=%.3g*lambda_max%n", kind, m, n,
                examples, outputs, (long) examples * outputs, plantedRank, lambdaFraction);
        System.out.printf(Locale.ROOT, "paper 1 bound (r(r+1)/2 > KN): r = %d;  paper 2 bound (r(m+n)-r^2 > 1.35 KN): %s%n",
                r.paper1Bound(), r.paper2Bound() < 0 ? "unattainable (not even at full rank)" : "r = " + r.paper2Bound());
        System.out.println("seed   convex-rank  min-certified-rank  probe-fraction@convex-rank  per rank: fraction reaching P*, excess (h-P*)/|P*| min..max, lambda_min(H) min..max  time");
        for (SyntheticExperiment.SeedResult s : r.seeds()) {
            StringBuilder fr = new StringBuilder();
            for (LandscapeProbe.RankSummary q : s.probe()) {
                fr.append(String.format(Locale.ROOT, "r%d: %.2f, %.1e..%.1e, [%.1e, %.1e]; ", q.rank(), q.fraction(),
                        q.minExcess(), q.maxExcess(), q.minEigenvalueLow(), q.minEigenvalueHigh()));
            }
            System.out.printf(Locale.ROOT, "%-6d %-12d %-19d %-27.2f %s %.1fs%n", s.seed(), s.convexRank(),
                    s.minimalCertifiedRank(), s.probeFractionAtConvexRank(), fr, s.seconds());
        }
        System.out.printf(Locale.ROOT, "mean ± std over %d seeds: convex rank %s, minimal certified rank %s, probe fraction %s%n",
                r.seeds().size(), r.convexRank().format(1, 2), r.minimalRank().format(1, 2), r.probeFraction().format(1, 2));
        if (Arrays.stream(r.seeds().stream().mapToInt(SyntheticExperiment.SeedResult::minimalCertifiedRank).toArray()).anyMatch(v -> v < 0)) {
            System.out.println("note: -1 = no LoRA rank up to --max-rank was certified");
        }
    }
}
