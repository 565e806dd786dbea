package io.lorank.cli;

import io.lorank.model.Architecture;
import io.lorank.model.Dtype;
import io.lorank.model.EncoderConfig;
import io.lorank.model.HiddenAct;
import io.lorank.model.HostTensor;
import io.lorank.model.TinyCheckpoint;
import io.lorank.util.RunFolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input suite (issue 7): each row is a command line, the exit code it must give and a fragment of the one
 * line it must print, with no stack trace. Inputs are crafted here, in {@link #fixtures}, and named in rows as
 * {@code {name}} (a path under the suite's temp folder; {@code {out}} is a fresh folder per row).
 *
 * <p><b>Adding rows</b>: append {@code row(Kind.X, exit, "fragment", "command", "args"...)} to {@link #rows()}
 * under its class. For exit 1, 2 or 3 the fragment must be in the single line on stderr; for exit 0 it must be on
 * stdout and stderr must be empty. Need a new broken file? Write it in {@link #fixtures} under a new name.
 * Class 7 of the issue (progress) has its own table in {@link PipedProgressTest}; kill -9 of a run folder is
 * {@link RunFolderKillTest}.
 */
class BadInputTest {
    /** The classes of failure of issue 7. */
    enum Kind { USER_ERROR_NOT_BUG, OVERFLOW_MEMORY, NAN, OPTION_HONOURED, RUN_FOLDER, MESSAGE }

    record Row(Kind kind, int exit, String fragment, String[] args) {
        @Override
        public String toString() {
            return kind + " " + exit + ": lorank " + String.join(" ", args);
        }
    }

    private static Row row(Kind kind, int exit, String fragment, String... args) {
        return new Row(kind, exit, fragment, args);
    }

    static Stream<Row> rows() {
        return Stream.of(
                row(Kind.USER_ERROR_NOT_BUG, 2, "--rank': '0' is not a positive integer", "finetune", "--task", "wordnet-binary", "--rank", "0", "--out", "/tmp/lorank-ft-never"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "--rank: 500 is too large for encoder.layer.0.attention.self.query [384, 384]", "finetune", "--task", "wordnet-binary", "--rank", "500", "--out", "/tmp/lorank-ft-never"),
                row(Kind.MESSAGE, 1, "'qurey' names no Linear module of this encoder; choose from [query, key, value", "finetune", "--task", "wordnet-binary", "--targets", "qurey", "--out", "/tmp/lorank-ft-never"),
                row(Kind.MESSAGE, 1, "--init: 'xavier' is not a LoRA initialisation; choose kaiming", "finetune", "--task", "wordnet-binary", "--init", "xavier", "--out", "/tmp/lorank-ft-never"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "--shots: 0 is not allowed", "linearized", "--task", "wordnet-binary", "--shots", "0"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "--ranks: 0 is not allowed", "linearized", "--task", "wordnet-binary", "--ranks", "2,0"),
                row(Kind.USER_ERROR_NOT_BUG, 2, "'adam' is not a LoRA method; expected lbfgs or gd", "linearized", "--task", "wordnet-binary", "--lora-method", "adam"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "--factor-dtype: 'fp16' is not a factor dtype; expected fp32 or bf16", "linearized", "--task", "wordnet-binary", "--factor-dtype", "fp16"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "--shots: 0 is not allowed", "ntk", "--task", "wordnet-binary", "--seed", "13", "--shots", "0", "--out", "/tmp/lorank-entk-never"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "'no.such.module' names no Linear module of this encoder; choose from", "ntk", "--task", "wordnet-binary", "--seed", "13", "--targets", "no.such.module", "--out", "/tmp/lorank-entk-never"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "--head mlm: all-minilm-l6-v2 has no masked-LM head", "ntk", "--task", "wordnet-binary", "--seed", "13", "--head", "mlm", "--out", "/tmp/lorank-entk-never"),
                // lorank kernel
                row(Kind.MESSAGE, 2, "'ridge' is not a kernel solver; valid: lstsq, logistic, svm", "kernel", "--task", "wordnet-binary", "--solver", "lstsq,ridge"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "--shots: 0 is not allowed", "kernel", "--task", "wordnet-binary", "--shots", "0"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "--seeds: [13, 13] is not allowed; expected distinct seeds", "kernel", "--task", "wordnet-binary", "--seeds", "13,13"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "--reg: -1.0 is not allowed; expected a fraction of sigma_max >= 0", "kernel", "--task", "wordnet-binary", "--reg", "-1"),
                row(Kind.MESSAGE, 1, "--adjust-for-init: not supported by --solver svm (it classifies labels, as in LM-Kernel-FT); use --solver lstsq", "kernel", "--task", "wordnet-binary", "--solver", "svm", "--adjust-for-init"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "--binary: task wordnet-5way has 5 classes; the single logit z1 - z0 needs 2", "kernel", "--task", "wordnet-5way", "--binary"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "--head mlm: all-minilm-l6-v2 has no masked-LM head", "kernel", "--task", "wordnet-binary", "--head", "mlm"),
                row(Kind.USER_ERROR_NOT_BUG, 2, "--gram-precision: 'fp16' is not a precision; expected fp32 or fp64", "kernel", "--task", "wordnet-binary", "--gram-precision", "fp16"),
                row(Kind.USER_ERROR_NOT_BUG, 2, "--gram-precision: 'double' is not a precision; expected fp32 or fp64", "ntk", "--task", "wordnet-binary", "--seed", "13", "--gram-precision", "double", "--out", "/tmp/lorank-entk-never"),
                // 1. user errors that used to be reported as bugs (exit 3 with a trace)
                row(Kind.USER_ERROR_NOT_BUG, 1, "columns.label = 5 is out of range for a row of 2 columns",
                        "split", "--task", "{bad-column.yaml}", "--out", "{out}"),
                row(Kind.USER_ERROR_NOT_BUG, 2, "'0' is not a positive integer", "bench", "encoder", "--lengths", "0"),
                row(Kind.USER_ERROR_NOT_BUG, 2, "'12xabc': 'abc' is not a positive integer (expected MxN", "bench", "linearized", "--shapes", "12xabc"),
                row(Kind.USER_ERROR_NOT_BUG, 2, "--rank': '0' is not a positive integer", "bench", "linearized", "--rank", "0"),
                row(Kind.USER_ERROR_NOT_BUG, 2, "--examples': '0' is not a positive integer", "bench", "linearized", "--examples", "0"),
                row(Kind.USER_ERROR_NOT_BUG, 2, "--runs': '0' is not a positive integer", "bench", "encoder", "--runs", "0"),
                row(Kind.USER_ERROR_NOT_BUG, 2, "--rank 500 exceeds d = 384", "bench", "linearized", "--shapes", "1x384", "--rank", "500"),
                row(Kind.USER_ERROR_NOT_BUG, 2, "'-1' is not a non-negative integer", "bench", "encoder", "--warmup", "-1"),
                row(Kind.USER_ERROR_NOT_BUG, 2, "--runs': '0' is not a positive integer", "bench", "gemm", "--runs", "0"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "--shapes 2048x384: expected MxKxN", "bench", "gemm", "--shapes", "2048x384"),
                row(Kind.USER_ERROR_NOT_BUG, 2, "--runs': '0' is not a positive integer", "bench", "ntk", "--runs", "0"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "--tokens 8: expected at least 16", "bench", "ntk", "--tokens", "8"),
                row(Kind.USER_ERROR_NOT_BUG, 1, "no-such-peer.json: not found", "bench", "ntk", "--peer", "no-such-peer.json"),

                // 2. overflow and memory
                row(Kind.OVERFLOW_MEMORY, 0, "KN = 4000000000000000000",
                        "bounds", "--examples", "2000000000", "--outputs", "2000000000", "--shape", "768x768"),
                row(Kind.OVERFLOW_MEMORY, 0, "one common r: r >= 1 (total dimension 3999999999)",
                        "bounds", "--examples", "32", "--shape", "2000000000x2000000000"),
                row(Kind.OVERFLOW_MEMORY, 1, "dense G (2048 x 10 x 2048 x 2048, fp64) needs 640.0 GiB",
                        "synthetic", "--m", "2048", "--n", "2048", "--examples", "2048", "--outputs", "10", "--seeds", "1"),
                row(Kind.OVERFLOW_MEMORY, 1, "LORANK_JAVA_OPTS", "bounds", "--examples", "32", "--shape", "768x768",
                        "--targets", "2000000000"),
                row(Kind.OVERFLOW_MEMORY, 1, "factors X, D (100000000 examples x 100000 tokens",
                        "bench", "linearized", "--examples", "100000000", "--tokens", "100000", "--shapes", "1x8", "--rank", "1"),
                row(Kind.OVERFLOW_MEMORY, 2, "'3000000000' is too large (at most 2147483647)",
                        "bounds", "--examples", "3000000000"),

                // 3. no answer from NaN or infinity
                row(Kind.NAN, 1, "tensor encoder.layer.1.attention.self.query.weight holds NaN at [5]",
                        "embed", "--model", "{nan-model}", "a text"),
                row(Kind.NAN, 1, "tensor embeddings.LayerNorm.weight holds Infinity at [0]",
                        "embed", "--model", "{inf-model}", "a text"),
                row(Kind.NAN, 1, "undetermined: C* (pooled): the grid shows no increasing transition",
                        "phase", "--m", "4", "--n", "4", "--ranks", "1", "--ratios", "1.0", "--trials", "4",
                        "--bootstrap", "10", "--threads", "1", "--out", "{out}"),
                row(Kind.NAN, 2, "'NaN' is not a finite number", "bounds", "--examples", "32", "--shape", "8x8", "--cstar", "NaN"),
                row(Kind.NAN, 2, "'Infinity' is not a finite number", "phase", "--ratios", "1,Infinity", "--out", "{out}"),

                // 4. options honoured or refused, never silently ignored
                row(Kind.OPTION_HONOURED, 2, "does not exist (expected a readable file)",
                        "embed", "--tokenizer", "{missing.json}", "a text"),
                row(Kind.OPTION_HONOURED, 1, "broken-tokenizer.json:1:",
                        "embed", "--tokenizer", "{broken-tokenizer.json}", "a text"),
                row(Kind.OPTION_HONOURED, 1, "--max-length 1 is below the minimum 3", "embed", "--max-length", "1", "a text"),
                row(Kind.OPTION_HONOURED, 2, "--data': /nonexistent does not exist", "tasks", "--data", "/nonexistent"),
                row(Kind.OPTION_HONOURED, 2, "--data': /nonexistent does not exist",
                        "split", "--task", "SST-2", "--data", "/nonexistent", "--out", "{out}"),
                row(Kind.OPTION_HONOURED, 2, "unknown command 'nosuch'", "nosuch", "--help"),
                row(Kind.OPTION_HONOURED, 2, "unknown command 'nosuch'", "bench", "nosuch", "--help"),

                // 5. run folders are transactions
                row(Kind.RUN_FOLDER, 1, "/proc/x: cannot create the run folder",
                        "phase", "--m", "4", "--n", "4", "--ranks", "1", "--trials", "2", "--out", "/proc/x"),
                row(Kind.RUN_FOLDER, 1, "is a file, not a folder",
                        "eval", "--task", "wordnet-binary", "--head", "probe", "--out", "{a-file}"),
                row(Kind.RUN_FOLDER, 1, "holds a different run (phase, ",
                        "phase", "--m", "4", "--n", "4", "--ranks", "1", "--trials", "3", "--out", "{previous-run}"),
                row(Kind.RUN_FOLDER, 1, "holds no lorank run (no run.json; found notes.txt)",
                        "split", "--task", "wordnet-binary", "--out", "{foreign}"),
                row(Kind.RUN_FOLDER, 1, "holds an earlier lorank run (no run.json); add --force",
                        "eval", "--task", "wordnet-binary", "--head", "probe", "--out", "{legacy-run}"),

                // 6. one-line messages that say what is wrong
                row(Kind.MESSAGE, 1, "config.json:3:1: Unexpected end-of-input", "embed", "--model", "{broken-config-model}", "a"),
                row(Kind.MESSAGE, 1, "label '1' is listed more than once in [1, 1]",
                        "split", "--task", "{duplicate-labels.yaml}", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "reads 0 texts but a single task needs 1 (*sent_0*); read as literal text: *bogus*",
                        "split", "--task", "{bogus-template.yaml}", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "*sent0* is not a text part", "split", "--task", "{misspelled-template.yaml}", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "empty.onnx: holds no ONNX graph", "embed", "--model", "{empty.onnx}", "a"),
                row(Kind.MESSAGE, 1, "broken.yaml:4:6: while parsing a flow mapping; expected ',' or '}'", "split", "--task", "{broken.yaml}", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "broken.json:1:", "split", "--task", "{broken.json}", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "train.jsonl:2:12: not a JSON object (Unexpected character (','",
                        "split", "--task", "{jsonl-task.yaml}", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "bad-type.yaml:7:9: Cannot deserialize value of type `Boolean` from String \"perhaps\"",
                        "split", "--task", "{bad-type.yaml}", "--out", "{out}"),
                // study / report / demo (issue 10); more in StudyCommandTest and study.StudyFolderTest
                row(Kind.MESSAGE, 1, "--model: 'gpt-5' is neither a known model ([all-minilm-l6-v2",
                        "study", "--models", "gpt-5", "--tasks", "wordnet-binary", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "--task: 'sst-9' is not a registered task; choose one of SST-2",
                        "study", "--tasks", "sst-9", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "--head: 'lora' is not a head; choose mlm, embedding or probe",
                        "study", "--tasks", "wordnet-binary", "--heads", "lora", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "modes: 'lora-ft' is not a mode this build can run; available: eval, bounds, synthetic, linearized",
                        "study", "--tasks", "wordnet-binary", "--modes", "lora-ft", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "mode finetune needs ranks (ranks, or finetune.ranks) or finetune.full: true",
                        "study", "--tasks", "wordnet-binary", "--modes", "finetune", "--out", "{out}"),
                row(Kind.USER_ERROR_NOT_BUG, 2, "--steps': '0' is not a positive integer",
                        "study", "--tasks", "wordnet-binary", "--modes", "finetune", "--ranks", "1", "--steps", "0", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "broken.yaml:4:6: while parsing a flow mapping", "study", "--config", "{broken.yaml}", "--out", "{out}"),
                row(Kind.RUN_FOLDER, 1, "not empty and not a study folder (found config.json and 1 more)", "study", "--modes",
                        "synthetic", "--ranks", "1", "--lambda-fractions", "0.1", "--out", "{legacy-run}"),
                row(Kind.OPTION_HONOURED, 2, "--test-cap", "study", "--tasks", "wordnet-binary", "--test-cap", "-1", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "no results database here; run `lorank study --out DIR` first", "study", "--status", "{out}"),
                row(Kind.MESSAGE, 1, "no results database here", "report", "{out}"),
                // lorank predict / merge (issue 9): adapters that do not fit, corrupt files, bad inputs
                row(Kind.MESSAGE, 1, "lora_A.weight is [2, 16], expected [2, 384] for all-minilm-l6-v2; was the "
                        + "adapter trained on this model", "predict", "--model", "all-minilm-l6-v2", "--adapter",
                        "{ft-adapter}", "--input", "{ft-lines.txt}"),
                row(Kind.MESSAGE, 1, "adapter_model.safetensors", "predict", "--model", "{ft-tiny}", "--adapter",
                        "{ft-adapter-corrupt}", "--input", "{ft-lines.txt}"),
                row(Kind.MESSAGE, 1, "adapter_config.json: target_modules: 'encoder.layer.0.attention.self.qurey' names no Linear "
                        + "module of this encoder", "merge", "--model", "{ft-tiny}", "--adapter", "{ft-adapter-qurey}",
                        "--out", "{out}"),
                row(Kind.MESSAGE, 1, "adapter_config.json: r: 0 is not allowed; expected r >= 1", "predict", "--model",
                        "{ft-tiny}", "--adapter", "{ft-adapter-r0}", "--input", "{ft-lines.txt}"),
                row(Kind.MESSAGE, 1, "adapter_config.json: not valid JSON", "merge", "--model", "{ft-tiny}",
                        "--adapter", "{ft-adapter-json}", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "--input: " , "predict", "--model", "{ft-tiny}", "--adapter", "{ft-adapter}",
                        "--input", "{no-such-lines.txt}"),
                row(Kind.MESSAGE, 1, "reads a text pair; separate the two texts with a tab", "predict", "--model",
                        "{ft-tiny}", "--adapter", "{ft-adapter}", "--task", "RTE", "--input", "{ft-lines.txt}"),
                row(Kind.RUN_FOLDER, 1, "already holds files; pass --force to replace it", "merge", "--model",
                        "{ft-tiny}", "--adapter", "{ft-adapter}", "--out", "{foreign}"),
                // study engines (issue 12): the plain CLI has no Spark on its classpath; engine flags need their engine
                row(Kind.MESSAGE, 1, "--engine spark: the Spark engine is not on this classpath", "study", "--modes", "synthetic",
                        "--ranks", "1", "--lambda-fractions", "0.1", "--engine", "spark", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "--engine 'ray' is not known; available: in-process", "study", "--modes", "synthetic",
                        "--ranks", "1", "--lambda-fractions", "0.1", "--engine", "ray", "--out", "{out}"),
                row(Kind.MESSAGE, 1, "--master and --spark-conf apply to --engine spark only", "study", "--modes", "synthetic",
                        "--ranks", "1", "--lambda-fractions", "0.1", "--master", "local[2]", "--out", "{out}"));
    }

    @TempDir
    static Path dir;
    private static int outs;

    /** Writes every input the rows name. */
    @BeforeAll
    static void fixtures() throws Exception {
        EncoderConfig c = TinyCheckpoint.config(Architecture.BERT, HiddenAct.GELU);
        tinyModel("nan-model", c, "encoder.layer.1.attention.self.query.weight", 5, Float.NaN);
        tinyModel("inf-model", c, "embeddings.LayerNorm.weight", 0, Float.POSITIVE_INFINITY);
        tinyModel("broken-config-model", c, null, 0, 0);
        Files.writeString(dir.resolve("broken-config-model/config.json"), "{\n  \"hidden_size\": 16,\n");
        Files.write(dir.resolve("empty.onnx"), new byte[0]);
        Files.writeString(dir.resolve("broken-tokenizer.json"), "{\"model\": [}");
        Files.writeString(dir.resolve("a-file"), "x");
        Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(dir.resolve("foreign/notes.txt"), "mine");
        Files.createDirectories(dir.resolve("legacy-run"));
        Files.writeString(dir.resolve("legacy-run/config.json"), "{}");
        Files.writeString(dir.resolve("legacy-run/results.json"), "{}");
        try (RunFolder r = RunFolder.open(dir.resolve("previous-run"), false, "phase", Map.of("m", 99))) {
            Files.writeString(r.dir().resolve("phase.json"), "{}");
            r.commit();
        }
        finetuneFixtures();
        Files.writeString(dir.resolve("train.tsv"), "sentence\tlabel\na fine film\t1\na dull plot\t0\n");
        Files.writeString(dir.resolve("train.jsonl"), "{\"text\": \"ok\", \"label\": \"1\"}\n{\"text\": 5,,}\n");
        String good = "name: t\nformat: tsv\ncolumns: {text: 0, label: 1}\nfiles: {train: train.tsv}\n"
                + "labels: [\"0\", \"1\"]\ntemplate: \"*cls**sent_0*_It_was*mask*.*sep+*\"\n";
        Files.writeString(dir.resolve("bad-column.yaml"), good.replace("label: 1}", "label: 5}"));
        Files.writeString(dir.resolve("duplicate-labels.yaml"), good.replace("[\"0\", \"1\"]", "[\"1\", \"1\"]"));
        Files.writeString(dir.resolve("bogus-template.yaml"), good.replace("*cls**sent_0*_It_was*mask*.*sep+*", "*cls**bogus**mask*.*sep+*"));
        Files.writeString(dir.resolve("misspelled-template.yaml"), good.replace("*sent_0*", "*sent0*"));
        Files.writeString(dir.resolve("broken.yaml"), "name: t\nformat: tsv\ncolumns: {text: 0, label: 1\nfiles: x\n");
        Files.writeString(dir.resolve("broken.json"), "{\"name\": \"t\", \"format\": }");
        Files.writeString(dir.resolve("bad-type.yaml"), good + "header: perhaps\n");
        Files.writeString(dir.resolve("jsonl-task.yaml"), good.replace("format: tsv", "format: jsonl")
                .replace("{text: 0, label: 1}", "{text: text, label: label}").replace("train.tsv", "train.jsonl"));
    }

    /** A tiny BERT folder, a LoRA adapter for it (r = 2, query and value, wordnet-binary) and broken copies. */
    private static void finetuneFixtures() throws Exception {
        Path tiny = dir.resolve("ft-tiny");
        io.lorank.head.TinyModels.bert(tiny, 1, false);
        Map<String, Object> meta = new io.lorank.finetune.HeadSpec("wordnet-binary", io.lorank.head.HeadKind.EMBEDDING,
                38, 20).toMap();
        for (String name : List.of("ft-adapter", "ft-adapter-corrupt", "ft-adapter-qurey", "ft-adapter-r0",
                "ft-adapter-json")) {
            try (io.lorank.encoder.Encoder enc = io.lorank.encoder.Encoder.load(
                    io.lorank.model.ModelSource.loadHfFolder(tiny, null));
                 io.lorank.lora.LoraModel lm = io.lorank.lora.LoraModel.inject(enc,
                         io.lorank.lora.LoraConfig.defaults().withRank(2).withTargets("query,value"), 1)) {
                io.lorank.lora.PeftAdapter.save(dir.resolve(name), lm, Map.of(), tiny.toString(), meta);
            }
        }
        Files.write(dir.resolve("ft-adapter-corrupt/adapter_model.safetensors"), new byte[] {1, 2, 3, 4, 5});
        Path q = dir.resolve("ft-adapter-qurey/adapter_config.json");
        Files.writeString(q, Files.readString(q).replace("encoder.layer.0.attention.self.query",
                "encoder.layer.0.attention.self.qurey"));
        Path r0 = dir.resolve("ft-adapter-r0/adapter_config.json");
        Files.writeString(r0, Files.readString(r0).replace("\"r\" : 2", "\"r\" : 0"));
        Files.writeString(dir.resolve("ft-adapter-json/adapter_config.json"), "{\"peft_type\": \"LORA\", \"r\": }");
        Files.writeString(dir.resolve("ft-lines.txt"), "a clear idea\nthe spoken word\n");
    }

    private static void tinyModel(String name, EncoderConfig c, String tensor, int index, float value) {
        Map<String, HostTensor> t = new LinkedHashMap<>(TinyCheckpoint.random(c, 1, false, false));
        if (tensor != null) {
            t.get(tensor).data()[index] = value;
        }
        TinyCheckpoint.writeFolder(dir.resolve(name), c, t.values(), Dtype.F32, "");
    }

    private static String[] resolve(String[] args) {
        String[] out = new String[args.length];
        Pattern p = Pattern.compile("\\{([^}]+)}");
        for (int i = 0; i < args.length; i++) {
            Matcher m = p.matcher(args[i]);
            out[i] = !m.matches() ? args[i] : m.group(1).equals("out") ? dir.resolve("out-" + (++outs)).toString()
                    : dir.resolve(m.group(1)).toString();
        }
        return out;
    }

    /** Runs lorank in-process and returns {stdout, stderr}. */
    static String[] run(int expectedExit, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String[] r = {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        assertEquals(expectedExit, code, () -> "exit code of lorank " + String.join(" ", args) + "\nstderr: " + r[1]);
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void oneLineNoTrace(Row row) {
        String[] args = resolve(row.args());
        String[] r = run(row.exit(), args);
        String stderr = r[1].strip();
        assertFalse(stderr.contains("\tat ") || stderr.contains("internal error"), () -> "stack trace:\n" + stderr);
        if (row.exit() == 0) {
            assertEquals("", stderr, "a successful row prints nothing on stderr");
            assertTrue(r[0].contains(row.fragment()), () -> "stdout lacks '" + row.fragment() + "':\n" + r[0]);
            return;
        }
        assertFalse(stderr.contains("\n"), () -> "more than one line on stderr:\n" + stderr);
        assertTrue(stderr.startsWith("lorank"), stderr);
        assertTrue(stderr.contains(row.fragment()), () -> "stderr lacks '" + row.fragment() + "': " + stderr);
    }

    @Test
    void everyClassHasAtLeastThreeRows() {
        Map<Kind, Long> n = new LinkedHashMap<>();
        rows().forEach(r -> n.merge(r.kind(), 1L, Long::sum));
        for (Kind k : Kind.values()) {
            assertTrue(n.getOrDefault(k, 0L) >= 3, () -> k + " has " + n.getOrDefault(k, 0L) + " rows: " + n);
        }
        System.out.println("bad-input rows per class: " + n + ", total " + rows().count());
    }

    @Test
    void anUndeterminedEstimateIsNeverUsedInAClaim() {
        String[] r = run(1, resolve(new String[] {"phase", "--m", "4", "--n", "4", "--ranks", "1", "--ratios", "1.0",
                "--trials", "4", "--bootstrap", "10", "--threads", "1", "--out", "{out}"}));
        assertTrue(r[0].contains("C* pooled             undetermined"), r[0]);
        assertFalse(r[0].contains("1.35 is"), () -> "a claim from an undetermined estimate:\n" + r[0]);
        assertFalse(r[0].contains("NaN"), r[0]);
    }

    /** An OutOfMemoryError that passes every guard (a 48 MiB heap) is one line with the heap and the flag, exit 1. */
    @Test
    void outOfMemoryInAChildJvmIsOneLine() throws Exception {
        Path err = dir.resolve("oom-stderr.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx48m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "synthetic", "--m", "48", "--n", "48",
                "--examples", "1200", "--outputs", "2", "--seeds", "1", "--probe-inits", "0")
                .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "child finished");
        String e = Files.readString(err).strip();
        assertEquals(1, p.exitValue(), e);
        assertFalse(e.contains("\n") || e.contains("\tat "), e);
        assertTrue(e.startsWith("lorank: out of memory (Java heap space) with a Java heap of at most 48.0 MiB")
                && e.contains("LORANK_JAVA_OPTS=-Xmx"), e);
    }

    @Test
    void tokenizerOverridesTheEmbeddedModelsOwn() throws Exception {
        Path tiny = dir.resolve("tiny-tokenizer");
        io.lorank.head.TinyModels.bert(tiny, 1, false); // a 60-word WordPiece vocabulary: other ids for the same text
        String text = "the film was great";
        String own = run(0, "embed", "--json", text)[0];
        String other = run(0, "embed", "--json", "--tokenizer", tiny.resolve("tokenizer.json").toString(), text)[0];
        double[] a = firstVector(own);
        double[] b = firstVector(other);
        assertEquals(a.length, b.length);
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        assertTrue(diff > 1e-3, "--tokenizer changed nothing (max |diff| " + diff + ")");
    }

    private static double[] firstVector(String json) throws Exception {
        var n = io.lorank.util.Json.MAPPER.readTree(json).get("embeddings").get(0);
        double[] v = new double[n.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = n.get(i).asDouble();
        }
        return v;
    }

    /** Issue 7's example: an eval that fails after it started writing used to leave a new config.json by old results. */
    @Test
    void aFailedEvalLeavesThePreviousRunWhole() throws Exception {
        Path out = dir.resolve("previous-eval");
        try (RunFolder r = RunFolder.open(out, false, "eval", Map.of("seeds", List.of(13)))) {
            Files.writeString(r.dir().resolve("config.json"), "{\"old\": true}");
            Files.writeString(r.dir().resolve("results.json"), "{\"old\": true}");
            Files.createDirectories(r.dir().resolve("seed-13"));
            r.commit();
        }
        String manifest = Files.readString(out.resolve(RunFolder.MANIFEST));
        String[] r = run(1, "eval", "--task", "wordnet-binary", "--head", "probe", "--seeds", "21", "--force",
                "--model", dir.resolve("no-such-model").toString(), "--out", out.toString());
        assertTrue(r[1].contains("no-such-model: not a known model"), r[1]);
        assertEquals("{\"old\": true}", Files.readString(out.resolve("config.json")));
        assertEquals(manifest, Files.readString(out.resolve(RunFolder.MANIFEST)));
        assertEquals(List.of("config.json", "results.json", "run.json", "seed-13"),
                Files.list(out).map(p -> p.getFileName().toString()).sorted().toList());
        assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().startsWith(".previous-eval")),
                "the failed run's partial folder was removed");
    }

    @Test
    void forceReplacesADifferentRunWhole() throws Exception {
        Path out = dir.resolve("force-run");
        String[] base = {"split", "--task", "wordnet-binary", "--seed", "13", "--shots", "2", "--out", out.toString()};
        run(0, base);
        Files.createDirectories(out.resolve("seed-99")); // a stale folder a previous version might have left
        String[] other = Arrays.copyOf(base, base.length + 1);
        other[4] = "21";
        other[base.length] = "--force";
        run(0, other);
        assertFalse(Files.exists(out.resolve("seed-99")), "stale folder survived --force");
        assertTrue(Files.readString(out.resolve("split.json")).contains("\"seed\" : 21"));
        assertEquals(List.of("run.json", "split.json"), Files.list(out).map(p -> p.getFileName().toString()).sorted().toList());
    }
}
