package io.lorank.cli;

import io.lorank.report.AnswerTable;
import io.lorank.report.StudyData;
import io.lorank.report.StudyReport;
import io.lorank.study.DemoStudy;
import io.lorank.study.InProcessEngine;
import io.lorank.study.Study;
import io.lorank.util.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lorank demo}: a fixed study on the embedded model and the built-in WordNet tasks, its answer and report. */
@Command(name = "demo", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Run the demo study: all-MiniLM-L6-v2 (embedded) on the built-in WordNet tasks (wordnet-binary, "
                + "wordnet-5way), 16-shot, seeds 13/21/42/87/100: heads at W0, both papers' rank thresholds, "
                + "linearized LoRA at ranks 1, 2, 4, 8 and the paper-1 threshold (convex optimum, certificates, "
                + "minimal certified rank) and a short real LoRA fine-tune at r = 1 and 8. The grid and its budgets: "
                + "the embedded io/lorank/study/demo.yaml (lorank demo --print-config). Resumable; prints the answer "
                + "table and writes DIR/results.db and DIR/report.html.",
        footer = {"", "Examples:", "  lorank demo", "  lorank demo --out runs/demo2"})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/demo", description = "Study folder.")
    Path out;

    @Option(names = "--force", description = "Start DIR anew when it holds another grid (e.g. from an older lorank).")
    boolean force;

    @Option(names = "--print-config", description = "Print the demo's grid as YAML (a start for `lorank study --config`) and exit.")
    boolean printConfig;

    @Override
    public Integer call() {
        if (printConfig) {
            System.out.print(DemoStudy.yaml());
            return 0;
        }
        Study.Summary s = Study.run(DemoStudy.config(), out, null, force, new InProcessEngine(),
                Progress.quiet() ? Study.Events.NONE : new StudyCommand.Lines(System.err));
        StudyReport.Written w = StudyReport.write(out);
        System.out.println(AnswerTable.text(AnswerTable.of(StudyData.load(out))));
        System.out.println(StudyCommand.text(s, false).replaceAll("\nreport: lorank report .*$", ""));
        System.out.println("report: " + w.html().toAbsolutePath().normalize());
        return StudyCommand.exitCode(s);
    }
}
