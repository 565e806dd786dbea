/**
 * Validated command-line values: one picocli {@link picocli.CommandLine.ITypeConverter} per kind of value, so a bad
 * value is a usage error (exit 2) printed as one line that names the option, the value and the allowed range, and no
 * command repeats the check.
 *
 * <p>Use them on any option, list options included (picocli applies the converter to each element after
 * {@code split}):
 * <pre>{@code
 * @Option(names = "--rank", converter = Converters.PositiveInt.class, description = "LoRA rank (>= 1)")
 * int rank = 8;
 * @Option(names = "--ranks", split = ",", converter = Converters.PositiveInt.class) List<Integer> ranks;
 * @Option(names = "--lambda-fraction", converter = Converters.Fraction.class) double lambdaFraction = 0.05;
 * @Option(names = "--shapes", split = ",", converter = Converters.Shape.class) List<Converters.Dims> shapes;
 * @Option(names = "--tokenizer", converter = Converters.ExistingFile.class) Path tokenizer;
 * @Option(names = "--data", converter = Converters.ExistingFolder.class) Path data;
 * }</pre>
 * A bad value then reads, e.g. {@code lorank phase: --ranks: '0' is not a positive integer (expected >= 1); see
 * 'lorank phase --help'}. Constraints between options (rank at most min(m, n)) belong in the command's config record
 * and throw a {@link io.lorank.LorankException} (exit 1), or {@link io.lorank.cli.options.Converters#usage} (exit 2).
 *
 * <p>Output folders are not converted here: {@link io.lorank.util.RunFolder} checks and claims them.
 */
package io.lorank.cli.options;
