package io.lorank.cli.options;

import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * picocli converters for the kinds of values lorank's options take. Each rejects a bad value with a
 * {@link TypeConversionException} whose message says what was found and what is allowed; picocli prefixes the option
 * name and {@code Main} prints the whole as one line with exit code 2. See the package documentation for usage.
 */
public final class Converters {
    private Converters() {
    }

    /** A library parser's one-line {@link io.lorank.LorankException} as picocli's conversion error. */
    private static <T> T parsed(java.util.function.Function<String, T> parse, String value) {
        try {
            return parse.apply(value);
        } catch (io.lorank.LorankException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** A classifier head name ({@link io.lorank.head.HeadKind#parse}); an unknown name lists the valid ones. */
    public static final class Head implements ITypeConverter<io.lorank.head.HeadKind> {
        @Override
        public io.lorank.head.HeadKind convert(String value) {
            return parsed(io.lorank.head.HeadKind::parse, value);
        }
    }

    /** An eNTK inner-product precision ({@link io.lorank.kernel.GramPrecision#parse}): fp32 or fp64. */
    public static final class Gram implements ITypeConverter<io.lorank.kernel.GramPrecision> {
        @Override
        public io.lorank.kernel.GramPrecision convert(String value) {
            return parsed(io.lorank.kernel.GramPrecision::parse, value);
        }
    }

    /** An integer &gt;= 1 (sizes, counts, ranks, runs). */
    public static final class PositiveInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) integer(value, 1, Integer.MAX_VALUE, "a positive integer (expected >= 1)");
        }
    }

    /** An integer &gt;= 0 (warm-up runs, optional caps where 0 means off). */
    public static final class NonNegativeInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) integer(value, 0, Integer.MAX_VALUE, "a non-negative integer (expected >= 0)");
        }
    }

    /** A long &gt;= 1. */
    public static final class PositiveLong implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return integer(value, 1, Long.MAX_VALUE, "a positive integer (expected >= 1)");
        }
    }

    /** A seed: any integer that fits in 32 bits, as NumPy's legacy seeding and LM-BFF's splits expect (0 … 2³²−1 or negative ints). */
    public static final class Seed implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return integer(value, Integer.MIN_VALUE, 0xFFFF_FFFFL, "a seed (an integer between -2^31 and 2^32-1)");
        }
    }

    /** A fraction in (0, 1]. */
    public static final class Fraction implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double v = finite(value);
            if (!(v > 0 && v <= 1)) {
                throw new TypeConversionException("'" + value + "' is not a fraction in (0, 1]");
            }
            return v;
        }
    }

    /** A finite double (no NaN, no infinity). */
    public static final class FiniteDouble implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return finite(value);
        }
    }

    /** A finite double &gt; 0 (tolerances, scales, constants such as C*). */
    public static final class PositiveDouble implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double v = finite(value);
            if (!(v > 0)) {
                throw new TypeConversionException("'" + value + "' is not a positive number (expected > 0)");
            }
            return v;
        }
    }

    /** A finite double &gt;= 0. */
    public static final class NonNegativeDouble implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double v = finite(value);
            if (!(v >= 0)) {
                throw new TypeConversionException("'" + value + "' is negative (expected >= 0)");
            }
            return v;
        }
    }

    /** Two positive sizes {@code rows x cols}, e.g. a weight shape out x in or a benchmark's targets x d. */
    public record Dims(int rows, int cols) {
        @Override
        public String toString() {
            return rows + "x" + cols;
        }
    }

    /** {@code MxN} with M, N &gt;= 1 (e.g. {@code 384x384}); with {@code split = ","} a list such as {@code 12x384,24x768}. */
    public static final class Shape implements ITypeConverter<Dims> {
        @Override
        public Dims convert(String value) {
            String[] p = value.trim().toLowerCase(Locale.ROOT).split("x", -1);
            if (p.length != 2) {
                throw new TypeConversionException("'" + value + "' is not MxN (expected two positive integers such as 384x384)");
            }
            try {
                String what = "a positive integer";
                return new Dims((int) integer(p[0].trim(), 1, Integer.MAX_VALUE, what),
                        (int) integer(p[1].trim(), 1, Integer.MAX_VALUE, what));
            } catch (TypeConversionException e) {
                throw new TypeConversionException("'" + value + "': " + e.getMessage() + " (expected MxN, e.g. 384x384)");
            }
        }
    }

    /** A file that exists and is readable (not a folder). */
    public static final class ExistingFile implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path p = path(value);
            if (!Files.exists(p)) {
                throw new TypeConversionException(value + " does not exist (expected a readable file)");
            }
            if (Files.isDirectory(p)) {
                throw new TypeConversionException(value + " is a folder (expected a file)");
            }
            if (!Files.isReadable(p)) {
                throw new TypeConversionException(value + " is not readable (check its permissions)");
            }
            return p;
        }
    }

    /** A folder that exists and is readable. */
    public static final class ExistingFolder implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path p = path(value);
            if (!Files.exists(p)) {
                throw new TypeConversionException(value + " does not exist (expected a folder)");
            }
            if (!Files.isDirectory(p)) {
                throw new TypeConversionException(value + " is a file (expected a folder)");
            }
            if (!Files.isReadable(p)) {
                throw new TypeConversionException(value + " is not readable (check its permissions)");
            }
            return p;
        }
    }

    /**
     * A usage error found after parsing (two options that contradict each other): exit 2, one line naming the command.
     * {@code throw Converters.usage(spec, "--seed and --seeds: give one of them");}
     */
    public static CommandLine.ParameterException usage(CommandLine.Model.CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    static long integer(String value, long min, long max, String what) {
        long v;
        try {
            v = Long.parseLong(value.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not " + what
                    + (value.trim().matches("-?[0-9_]+") ? " that fits in 64 bits" : ""));
        }
        if (v < min) {
            throw new TypeConversionException("'" + value + "' is not " + what);
        }
        if (v > max) {
            throw new TypeConversionException("'" + value + "' is too large (at most " + max + ")");
        }
        return v;
    }

    static double finite(String value) {
        double v;
        try {
            v = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a number");
        }
        if (!Double.isFinite(v)) {
            throw new TypeConversionException("'" + value + "' is not a finite number");
        }
        return v;
    }

    private static Path path(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new TypeConversionException("'" + value + "' is not a valid path (" + e.getReason() + ")");
        }
    }
}
