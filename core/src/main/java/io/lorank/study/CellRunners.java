package io.lorank.study;

import io.lorank.LorankException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The modes a study can run, by name. */
public final class CellRunners {
    private static final Map<String, CellRunner> RUNNERS = new LinkedHashMap<>();

    static {
        for (CellRunner r : List.of(new EvalCellRunner(), new BoundsCellRunner(), new SyntheticCellRunner(),
                new LinearizedCellRunner(), new KernelCellRunner())) {
            RUNNERS.put(r.mode(), r);
        }
        RUNNERS.put("finetune", new FinetuneCellRunner()); // issue 9's fine-tuning as a study mode
    }

    private CellRunners() {
    }

    public static List<String> names() {
        return List.copyOf(RUNNERS.keySet());
    }

    public static CellRunner get(String mode) {
        CellRunner r = RUNNERS.get(mode);
        if (r == null) {
            throw new LorankException("modes: '" + mode + "' is not a mode this build can run; available: "
                    + String.join(", ", RUNNERS.keySet()));
        }
        return r;
    }
}
