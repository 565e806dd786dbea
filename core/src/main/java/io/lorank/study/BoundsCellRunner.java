package io.lorank.study;

import io.lorank.LorankException;
import io.lorank.data.Task;
import io.lorank.encoder.TargetSelection;
import io.lorank.eval.Evaluation;
import io.lorank.linearized.RankBounds;
import io.lorank.linearized.TargetShape;
import io.lorank.model.ModelRegistry;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mode {@code bounds}: both papers' rank thresholds for the task's few-shot training set (N = shots · classes,
 * K = classes) and the model's LoRA targets ({@code targets} option, default query,value). Reads only the model's
 * config, never its weights.
 */
public final class BoundsCellRunner implements CellRunner {
    public static final String DEFAULT_TARGETS = "query,value";

    @Override
    public String mode() {
        return "bounds";
    }

    @Override
    public String description() {
        return "paper-1 and paper-2 rank thresholds for N = shots x classes, K = classes and the model's targets";
    }

    @Override
    public void validate(CellSpec s) {
        if (s.model() == null || s.shots() == null || s.shots() < 1) {
            throw new LorankException("bounds cell " + s.label() + ": needs a model and shots >= 1");
        }
    }

    @Override
    public Output run(CellSpec s, CellContext ctx) {
        validate(s);
        Task task = Evaluation.resolveTask(s.task());
        int k = task.numClasses();
        int n = s.shots() * k;
        String targets = s.stringOption("targets", DEFAULT_TARGETS);
        List<TargetShape> shapes = TargetSelection.select(ModelRegistry.config(s.model()), targets).stream()
                .map(t -> new TargetShape(t.name(), t.out(), t.in())).toList();
        RankBounds.Report rep = RankBounds.compute(new RankBounds.Input(n, k, shapes, RankBounds.DEFAULT_CSTAR));
        Map<String, Object> d = new TreeMap<>();
        d.put("targets", targets);
        d.put("target_count", shapes.size());
        d.put("paper1_existence_rank", rep.paper1ExistenceRank());
        d.put("required_dimension", rep.requiredDimension());
        return new Output(CellResult.builder().problem(n, k)
                .bounds(Math.toIntExact(rep.paper1Rank()), rep.paper2Attainable() ? rep.paper2Rank() : -1)
                .details(d).build(), null);
    }
}
