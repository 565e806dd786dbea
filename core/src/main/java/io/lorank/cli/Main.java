package io.lorank.cli;

import io.lorank.LorankException;
import io.lorank.util.MemoryBudget;
import io.lorank.util.Progress;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lorank} command. Exit codes: 0 ok, 1 user error (one line, no stack trace; also an estimate that could
 * not be made, {@link io.lorank.util.Undetermined}, and running out of memory), 2 usage error (one line: a bad
 * option value, an unknown option or command), 3 bug (with stack trace). {@code --quiet} is inherited by every
 * subcommand.
 */
@Command(name = "lorank",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "How much LoRA rank does a task need, and is the low-rank optimum global? "
                + "NTK-regime analysis of LoRA on real pretrained encoders.",
        subcommands = {
                CommandLine.HelpCommand.class,
                BenchCommand.class,
                TasksCommand.class,
                SplitCommand.class,
                ModelsCommand.class,
                EmbedCommand.class,
                BoundsCommand.class,
                PhaseCommand.class,
                EvalCommand.class,
                LinearizedCommand.class,
                NtkCommand.class,
                KernelCommand.class,
                FinetuneCommand.class,
                PredictCommand.class,
                MergeCommand.class,
                SyntheticCommand.class,
                StudyCommand.class,
                ReportCommand.class,
                DemoCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--quiet", scope = CommandLine.ScopeType.INHERIT,
            description = "No progress bars, progress lines or run-time estimates on stderr.")
    void setQuiet(boolean quiet) {
        Progress.setQuiet(quiet);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        Progress.setQuiet(false);
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionStrategy(Main::executeMatched);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable cause = ex;
            while (!(cause instanceof LorankException) && !(cause instanceof OutOfMemoryError) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof LorankException) {
                commandLine.getErr().println("lorank: " + cause.getMessage());
                return 1;
            }
            if (cause instanceof OutOfMemoryError oom) {
                commandLine.getErr().println("lorank: " + MemoryBudget.outOfMemoryMessage(oom));
                return 1;
            }
            if (cause instanceof CommandLine.ParameterException pe) {
                return usageError(pe, args);
            }
            commandLine.getErr().println("lorank: internal error (please report): " + ex);
            ex.printStackTrace(commandLine.getErr());
            return 3;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError oom) {
            System.err.println("lorank: " + MemoryBudget.outOfMemoryMessage(oom));
            return 1;
        }
    }

    /** Runs the last matched command, but not when something was left unmatched ({@code lorank nosuch --help}). */
    private static int executeMatched(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (!p.unmatched().isEmpty()) {
                String first = p.unmatched().get(0);
                String what = first.startsWith("-") ? "unknown option" : p.commandSpec().subcommands().isEmpty()
                        ? "unexpected argument" : "unknown command";
                throw new CommandLine.ParameterException(p.commandSpec().commandLine(), what + " '" + first + "'");
            }
        }
        return new CommandLine.RunLast().execute(parseResult);
    }

    /** A usage error as one line: {@code lorank phase: MESSAGE; see 'lorank phase --help'}; exit 2. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        String msg = e.getMessage() == null ? "invalid command line" : e.getMessage().replaceAll("\\s*\\R\\s*", "; ");
        cmd.getErr().println(name + ": " + msg + "; see '" + name + " --help'");
        return 2;
    }
}
