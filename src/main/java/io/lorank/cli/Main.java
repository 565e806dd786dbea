package io.lorank.cli;

import io.lorank.LorankException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lorank} command. Exit codes: 0 ok, 1 user error (one line, no stack trace), 2 usage error,
 * 3 bug (with stack trace).
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
                SyntheticCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable cause = ex;
            while (!(cause instanceof LorankException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof LorankException) {
                commandLine.getErr().println("lorank: " + cause.getMessage());
                return 1;
            }
            commandLine.getErr().println("lorank: internal error (please report): " + ex);
            ex.printStackTrace(commandLine.getErr());
            return 3;
        });
        return cli.execute(args);
    }
}
