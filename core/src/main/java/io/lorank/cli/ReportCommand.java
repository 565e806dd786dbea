package io.lorank.cli;

import io.lorank.report.StudyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lorank report RUN_DIR}: the study's self-contained HTML report, with Markdown and CSV tables. */
@Command(name = "report", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Write RUN_DIR/report.html (plots embedded), RUN_DIR/tables.md and RUN_DIR/tables/*.csv "
                + "from the study's results.db.",
        footer = {"", "Example:", "  lorank report runs/demo"})
public final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A study folder (with results.db).")
    Path dir;

    @Option(names = "--json", description = "Print the written files as JSON.")
    boolean json;

    @Override
    public Integer call() {
        StudyReport.Written w = StudyReport.write(dir);
        System.out.println(json ? StudyReport.json(w) : "report: " + w.html() + " (" + w.plots() + " plots, "
                + w.tables() + " tables; also " + w.markdown().getFileName() + " and " + w.csv().size() + " CSV files)");
        return 0;
    }
}
