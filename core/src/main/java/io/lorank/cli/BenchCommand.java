package io.lorank.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lorank bench ...}: timings, each against a peer measured in the same process. Not tests. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (figures go to BENCHMARKS.md).",
        subcommands = {
                EncoderBenchCommand.class,
                BenchLinearizedCommand.class,
                BenchGemmCommand.class,
                BenchNtkCommand.class,
                BenchTrainCommand.class,
        })
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
