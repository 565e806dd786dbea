package io.lorank.cli;

import io.lorank.LorankException;
import io.lorank.encoder.TargetSelection;
import io.lorank.model.ModelRegistry;
import io.lorank.linearized.RankBounds;
import io.lorank.linearized.TargetShape;
import io.lorank.cli.options.Converters;
import io.lorank.util.Json;
import io.lorank.util.MemoryBudget;
import io.lorank.util.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lorank bounds}: both papers' LoRA rank thresholds for N examples, K outputs and the target shapes. */
@Command(name = "bounds", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "LoRA rank thresholds: paper 1 (Jang, Lee & Ryu 2024) r(r+1)/2 > KN and "
                + "paper 2 (Park 2026) r(m+n) - r^2 > C*·KN.",
        footer = {"", "Examples:",
                "  lorank bounds --examples 32 --outputs 2 --shape 768x768",
                "  lorank bounds --examples 64 --outputs 2 --model all-minilm-l6-v2 --target-set query,value --json"})
public final class BoundsCommand implements Callable<Integer> {
    @Option(names = "--examples", required = true, converter = Converters.PositiveInt.class,
            description = "N, number of training examples (>= 1)")
    int examples;

    @Option(names = "--outputs", defaultValue = "2", converter = Converters.PositiveInt.class,
            description = "K, outputs per example (2 for binary; >= 1)")
    int outputs;

    @Option(names = "--shape", split = ",", converter = Converters.Shape.class,
            description = "target weight shape(s) out x in, MxN[,MxN...]")
    List<Converters.Dims> shape;

    @Option(names = "--targets", defaultValue = "1", converter = Converters.PositiveInt.class,
            description = "COUNT copies of the --shape list (e.g. 12 layers; >= 1)")
    int copies;

    @Option(names = "--model", description = "instead of --shape: a known model (all-minilm-l6-v2, bge-small-en-v1.5, e5-small-v2) or a Hugging Face folder; shapes come from its config")
    String model;

    @Option(names = "--target-set", defaultValue = "query,value",
            description = "with --model: targets in every layer (query,key,value,attention.output.dense,intermediate.dense,output.dense)")
    String targetSet;

    @Option(names = "--cstar", defaultValue = "1.35", converter = Converters.PositiveDouble.class,
            description = "paper 2's constant C* (> 0)")
    double cstar;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Override
    public Integer call() {
        List<TargetShape> targets = resolveTargets();
        RankBounds.Report rep = RankBounds.compute(new RankBounds.Input(examples, outputs, targets, cstar));
        System.out.println(json ? ProvenanceJson.write(rep, null, null) : table(rep));
        return 0;
    }

    private List<TargetShape> resolveTargets() {
        if ((shape == null) == (model == null)) {
            throw new LorankException("bounds: give exactly one of --shape MxN[,MxN...] or --model NAME");
        }
        if (model != null) {
            return TargetSelection.select(ModelRegistry.config(model), targetSet).stream()
                    .map(t -> new TargetShape(t.name(), t.out(), t.in())).toList();
        }
        List<TargetShape> one = shape.stream().map(d -> new TargetShape(d.toString(), d.rows(), d.cols())).toList();
        // one TargetShape and one TargetBound (~200 bytes together) per target: refuse a list that cannot fit
        MemoryBudget.require(Sizes.product("--targets " + copies + " x " + one.size() + " shapes", copies, one.size(), 200),
                "the list of " + (long) copies * one.size() + " targets (--targets " + copies + ")");
        List<TargetShape> all = new ArrayList<>();
        for (int c = 0; c < copies; c++) {
            for (TargetShape t : one) {
                all.add(copies == 1 ? t : new TargetShape(t.name() + "#" + (c + 1), t.m(), t.n()));
            }
        }
        return all;
    }

    static String table(RankBounds.Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "N = %d examples, K = %d outputs, KN = %d, C* = %.3g%n%n",
                r.examples(), r.outputs(), r.kn(), r.cstar()));
        sb.append(String.format(Locale.ROOT, "paper 1 (Jang, Lee & Ryu 2024)%n"));
        sb.append(String.format(Locale.ROOT, "  no spurious local minima for r >= %d   (r(r+1)/2 = %d > KN)%n",
                r.paper1Rank(), RankBounds.triangle(r.paper1Rank())));
        sb.append(String.format(Locale.ROOT, "  a solution of rank <= %d exists      (r(r+1)/2 <= KN)%n", r.paper1ExistenceRank()));
        sb.append(String.format(Locale.ROOT, "  sqrt scaling: sqrt(2KN) = %.2f%n%n", r.sqrt2kn()));
        sb.append(String.format(Locale.ROOT, "paper 2 (Park 2026): r(m+n) - r^2 > C*·KN = %.2f%n", r.requiredDimension()));
        int shown = 0;
        sb.append(String.format(Locale.ROOT, "  %-36s %11s %8s %10s %12s%n", "target", "shape", "max r", "paper-2 r", "dim at r"));
        for (RankBounds.TargetBound t : r.targets()) {
            if (shown++ == 12 && r.targets().size() > 14) {
                sb.append(String.format(Locale.ROOT, "  ... %d more targets%n", r.targets().size() - 12));
                break;
            }
            sb.append(String.format(Locale.ROOT, "  %-36s %11s %8d %10s %12d%n", t.name(), t.m() + "x" + t.n(), t.maxRank(),
                    t.paper2Attainable() ? String.valueOf(t.paper2Rank()) : "unattainable", t.dimensionAtRank()));
        }
        sb.append(String.format(Locale.ROOT, "  all %d targets, one common r: %s (total dimension %d)%n", r.targets().size(),
                r.paper2Attainable() ? "r >= " + r.paper2Rank() : "unattainable even at full rank", r.paper2DimensionAtRank()));
        boolean p1Capped = r.targets().stream().anyMatch(t -> !t.paper1WithinMaxRank());
        if (p1Capped) {
            sb.append(String.format(Locale.ROOT, "note: paper 1's r = %d exceeds min(m,n) of some target: "
                    + "unattainable there (LoRA at full rank is full fine-tuning)%n", r.paper1Rank()));
        }
        sb.append(String.format(Locale.ROOT, "%ngeneralization bounds: %s%n", r.generalization()));
        return sb.toString();
    }
}
