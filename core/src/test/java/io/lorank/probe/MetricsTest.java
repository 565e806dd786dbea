package io.lorank.probe;

import io.lorank.util.MeanStd;
import io.lorank.data.TaskMetric;
import io.lorank.data.TaskRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {
    // TP = 3 (0, 3, 6), FP = 1 (1), FN = 1 (4), TN = 3 (2, 5, 7)
    private static final int[] PRED = {1, 1, 0, 1, 0, 0, 1, 0};
    private static final int[] GOLD = {1, 0, 0, 1, 1, 0, 1, 0};

    @Test
    void handComputedBinaryCase() {
        assertEquals(0.75, Metrics.accuracy(PRED, GOLD), 1e-15);
        assertEquals(2.0 * 3 / (2 * 3 + 1 + 1), Metrics.f1(PRED, GOLD), 1e-15);
        assertEquals((3.0 * 3 - 1.0 * 1) / Math.sqrt(4.0 * 4 * 4 * 4), Metrics.mcc(PRED, GOLD), 1e-15);
    }

    @Test
    void degenerateCasesAreZero() {
        int[] zeros = {0, 0, 0, 0};
        int[] gold = {1, 0, 1, 0};
        assertEquals(0.0, Metrics.f1(zeros, gold), 0.0);
        assertEquals(0.0, Metrics.mcc(zeros, gold), 0.0);
        assertEquals(-1.0, Metrics.mcc(new int[]{0, 1, 0, 1}, gold), 1e-15);
    }

    @Test
    void multiClassMcc() {
        // c = 3, s = 4, p = (2, 1, 1), t = (2, 2, 0): (12 - 6) / sqrt((16 - 6)(16 - 8)) = 6 / sqrt(80)
        assertEquals(6 / Math.sqrt(80), Metrics.mcc(new int[]{0, 1, 2, 0}, new int[]{0, 1, 1, 0}), 1e-15);
    }

    @Test
    void taskMetrics() {
        assertEquals(TaskMetric.MCC, TaskRegistry.get("CoLA").metric());
        assertEquals(TaskMetric.F1, TaskRegistry.get("MRPC").metric());
        assertEquals(TaskMetric.F1, TaskRegistry.get("QQP").metric());
        assertEquals(TaskMetric.ACCURACY, TaskRegistry.get("RTE").metric());
        assertEquals(0.5, Metrics.score(TaskMetric.MCC, PRED, GOLD), 1e-15);
    }

    @Test
    void meanAndSampleStd() {
        MeanStd m = MeanStd.of(0.8, 0.9, 1.0);
        assertEquals(0.9, m.mean(), 1e-15);
        assertEquals(0.1, m.std(), 1e-15); // sqrt((0.01 + 0 + 0.01) / 2)
        assertEquals("90.0 ± 10.0 (n=3)", m.format(100));
        assertTrue(Double.isNaN(MeanStd.of(0.5).std()));
    }
}
