package io.lorank.linearized;

import io.lorank.linearized.solvers.LoraSolverConfig;
import io.lorank.linearized.solvers.LoraResult;
import io.lorank.linearized.solvers.LoraSolver;
import io.lorank.linearized.solvers.SolverStatus;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every LoRA method must do; each method is a few-line subclass. */
abstract class LoraSolverContract {
    /** The method under test at rank r, with a step that suits it. */
    abstract LoraSolverConfig config(int rank);

    private final LinearizedProblem problem = TestProblems.problem(TestProblems.factored(2, 201), Synthetic.LossKind.CE, 0.05, 202);

    @Test
    void curveStartsAtTheInitAndEndsAtTheReportedPoint() {
        LoraSolverConfig cfg = config(2);
        LoraFactors start = LoraFactors.init(problem.operator(), 2, false, 1.0, 5);
        LoraResult r = LoraSolver.solve(problem, cfg, start);
        assertEquals(problem.loraObjective(start), r.curve()[0], 1e-12, "curve[0] = h(init)");
        assertEquals(problem.loraObjective(r.point()), r.objective(), 1e-12, "reported objective = h(point)");
        assertNotEquals(SolverStatus.DIVERGED, r.status());
        assertTrue(r.objective() < 0.95 * r.curve()[0], "decrease: " + r.curve()[0] + " -> " + r.objective());
        assertTrue(r.seconds() > 0);
    }

    @Test
    void deterministicForASeed() {
        LoraResult a = LoraSolver.solve(problem, config(2));
        LoraResult b = LoraSolver.solve(problem, config(2));
        assertArrayEquals(a.point().flatten(), b.point().flatten(), 0.0, "same seed, same result (bitwise)");
    }

    @Test
    void hugeStepIsReportedNotThrown() {
        LoraSolverConfig c = config(2);
        LoraSolverConfig big = new LoraSolverConfig(2, c.method(), 1e6, 50, c.gradientTolerance(), c.relativeTolerance(), c.init(),
                c.initScale(), false, c.batchSize(), c.seed());
        LoraResult r = LoraSolver.solve(problem, big);
        // GD backtracks (never diverges); Adam/SGD may diverge, which must come back as a status
        assertTrue(r.status() == SolverStatus.DIVERGED || Double.isFinite(r.objective()), "status " + r.status());
    }
}

class GdContractTest extends LoraSolverContract {
    @Override
    LoraSolverConfig config(int rank) {
        return LoraSolverConfig.defaults(rank).withMaxIterations(300);
    }
}

class AdamContractTest extends LoraSolverContract {
    @Override
    LoraSolverConfig config(int rank) {
        return LoraSolverConfig.defaults(rank).withMaxIterations(300).withMethod(LoraSolverConfig.Method.ADAM, 0.01);
    }
}

class SgdContractTest extends LoraSolverContract {
    @Override
    LoraSolverConfig config(int rank) {
        return new LoraSolverConfig(rank, LoraSolverConfig.Method.SGD, 0.05, 300, 1e-9, 0, LoraSolverConfig.Init.LORA, 1.0, false, 2, 0);
    }
}

class LbfgsContractTest extends LoraSolverContract {
    @Override
    LoraSolverConfig config(int rank) {
        return LoraSolverConfig.defaults(rank).withMaxIterations(300).withMethod(LoraSolverConfig.Method.LBFGS, 1.0);
    }
}
