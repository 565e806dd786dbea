package io.lorank.linearized;

import io.lorank.linearized.solvers.LoraConfig;
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
    abstract LoraConfig config(int rank);

    private final LinearizedProblem problem = TestProblems.problem(TestProblems.factored(2, 201), Synthetic.LossKind.CE, 0.05, 202);

    @Test
    void curveStartsAtTheInitAndEndsAtTheReportedPoint() {
        LoraConfig cfg = config(2);
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
        LoraConfig c = config(2);
        LoraConfig big = new LoraConfig(2, c.method(), 1e6, 50, c.gradientTolerance(), c.relativeTolerance(), c.init(),
                c.initScale(), false, c.batchSize(), c.seed());
        LoraResult r = LoraSolver.solve(problem, big);
        // GD backtracks (never diverges); Adam/SGD may diverge, which must come back as a status
        assertTrue(r.status() == SolverStatus.DIVERGED || Double.isFinite(r.objective()), "status " + r.status());
    }
}

class GdContractTest extends LoraSolverContract {
    @Override
    LoraConfig config(int rank) {
        return LoraConfig.defaults(rank).withMaxIterations(300);
    }
}

class AdamContractTest extends LoraSolverContract {
    @Override
    LoraConfig config(int rank) {
        return LoraConfig.defaults(rank).withMaxIterations(300).withMethod(LoraConfig.Method.ADAM, 0.01);
    }
}

class SgdContractTest extends LoraSolverContract {
    @Override
    LoraConfig config(int rank) {
        return new LoraConfig(rank, LoraConfig.Method.SGD, 0.05, 300, 1e-9, 0, LoraConfig.Init.LORA, 1.0, false, 2, 0);
    }
}
