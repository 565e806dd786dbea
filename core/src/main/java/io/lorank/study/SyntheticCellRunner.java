package io.lorank.study;

import io.lorank.LorankException;
import io.lorank.linearized.Certificate;
import io.lorank.linearized.CertificateConfig;
import io.lorank.linearized.DenseOperator;
import io.lorank.linearized.LinearizedProblem;
import io.lorank.linearized.RankBounds;
import io.lorank.linearized.Synthetic;
import io.lorank.linearized.TargetShape;
import io.lorank.linearized.solvers.ConvexConfig;
import io.lorank.linearized.solvers.ConvexResult;
import io.lorank.linearized.solvers.ConvexSolver;
import io.lorank.linearized.solvers.LoraResult;
import io.lorank.linearized.solvers.LoraSolver;
import io.lorank.linearized.solvers.LoraSolverConfig;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mode {@code synthetic}: the linearized LoRA problem on a planted Gaussian-iid instance (one m × n target, N
 * examples, K outputs, teacher of rank {@code planted_rank}, λ = lambdaFraction · λ_max), solved at the cell's rank
 * from {@code inits} seeded LoRA inits (best objective kept), certified against the convex optimum. Pure Java,
 * deterministic, no model: the mode the study's own tests run on, and the theory check beside the real tasks.
 */
public final class SyntheticCellRunner implements CellRunner {
    public static final List<String> OPTIONS = List.of("m", "n", "examples", "outputs", "planted_rank", "loss", "inits");

    @Override
    public String mode() {
        return "synthetic";
    }

    @Override
    public String description() {
        return "planted Gaussian-iid linearized problem: LoRA at rank r, certificate, convex optimum";
    }

    @Override
    public void validate(CellSpec s) {
        if (s.seed() == null || s.rank() == null || s.lambdaFraction() == null) {
            throw new LorankException("synthetic cell " + s.label() + ": needs a seed, a rank and a λ fraction");
        }
        int m = s.intOption("m", 0);
        int n = s.intOption("n", 0);
        if (m < 1 || n < 1 || s.intOption("examples", 0) < 1 || s.intOption("outputs", 0) < 1) {
            throw new LorankException("synthetic: m, n, examples and outputs must be >= 1; got " + s.options());
        }
        if (s.rank() < 1 || s.rank() > Math.min(m, n)) {
            throw new LorankException("ranks: " + s.rank() + " is not allowed for a " + m + "x" + n
                    + " synthetic target; expected 1.." + Math.min(m, n));
        }
        if (!(s.lambdaFraction() > 0 && s.lambdaFraction() < 1)) {
            throw new LorankException("lambda_fractions: " + s.lambdaFraction() + " is not allowed; expected values in (0, 1)");
        }
        loss(s);
    }

    private static Synthetic.LossKind loss(CellSpec s) {
        String l = s.stringOption("loss", "ce");
        try {
            Synthetic.LossKind k = Synthetic.LossKind.valueOf(l.toUpperCase(Locale.ROOT));
            int outputs = s.intOption("outputs", 0);
            if (k == Synthetic.LossKind.CE && outputs < 2 || k == Synthetic.LossKind.LOGISTIC && outputs != 1) {
                throw new LorankException("synthetic.loss: " + l + " with outputs " + outputs + "; ce needs outputs >= 2, logistic 1");
            }
            return k;
        } catch (IllegalArgumentException e) {
            throw new LorankException("synthetic.loss: '" + l + "' is not a loss; choose ce, squared or logistic");
        }
    }

    @Override
    public Output run(CellSpec s, CellContext ctx) {
        validate(s);
        int m = s.intOption("m", 0);
        int n = s.intOption("n", 0);
        int examples = s.intOption("examples", 0);
        int outputs = s.intOption("outputs", 0);
        long seed = s.seed();
        DenseOperator op = Synthetic.gaussian(examples, outputs, new int[] {m}, new int[] {n}, seed);
        Synthetic.Planted planted = Synthetic.planted(op, loss(s), s.intOption("planted_rank", 1), 3.0, 1.0, 1.0, seed);
        double lmax = planted.problem().lambdaMax();
        LinearizedProblem p = planted.problem().withLambda(s.lambdaFraction() * lmax);
        ConvexResult cvx = ConvexSolver.solve(p, ConvexConfig.defaults());
        LoraResult best = null;
        Certificate.Result bestCert = null;
        int inits = Math.max(1, s.intOption("inits", 1));
        for (int i = 0; i < inits; i++) {
            LoraResult r = LoraSolver.solve(p, LoraSolverConfig.defaults(s.rank()).withSeed(seed + i));
            Certificate.Result c = Certificate.check(p, r.point(), CertificateConfig.defaults(), cvx.objective());
            if (best == null || c.verdict() == Certificate.Verdict.CERTIFIED_GLOBAL && bestCert.verdict() != Certificate.Verdict.CERTIFIED_GLOBAL
                    || c.verdict() == bestCert.verdict() && r.objective() < best.objective()) {
                best = r;
                bestCert = c;
            }
        }
        int kn = examples * outputs;
        Integer p2 = RankBounds.paper2Rank(List.of(new TargetShape("W", m, n)), RankBounds.DEFAULT_CSTAR * kn);
        Map<String, Object> details = new TreeMap<>();
        details.put("lambda", p.lambda());
        details.put("lambda_max", lmax);
        details.put("convex_gap", cvx.dualityGap());
        return new Output(CellResult.builder()
                .problem(examples, outputs)
                .objective(best.objective())
                .convex(cvx.objective(), cvx.ranks()[0])
                .certificate(bestCert.verdict().name(), bestCert.relativeGap(), bestCert.maxOpNorm())
                .solver(best.status().name(), best.iterations(), best.curve())
                .bounds(Math.toIntExact(RankBounds.paper1Rank(kn)), p2 == null ? -1 : p2)
                .details(details)
                .build(), null);
    }
}
