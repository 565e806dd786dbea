package io.lorank.data;

import io.lorank.LorankException;
import io.lorank.text.LabelVerbalizer;
import io.lorank.text.PromptTemplate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.lorank.data.TableLayout.NONE;

/**
 * The registered tasks: LM-BFF's 14 classification tasks with its templates and label words, verbatim from
 * {@code run_experiment.sh} (princeton-nlp/LM-BFF), its file layouts from {@code src/processors.py}, and the two
 * built-in WordNet gloss tasks. Label descriptions (for sentence-embedding heads) are lorank's own.
 */
public final class TaskRegistry {
    private static final String T_SENT = "*cls**sent_0*_It_was*mask*.*sep+*";
    private static final String T_THIS = "*cls**sent_0*_This_is*mask*.*sep+*";
    private static final String T_NLI = "*cls**sent-_0*?*mask*,*+sentl_1**sep+*";
    private static final String T_PARA = "*cls**sent_0**mask*,*+sentl_1**sep+*";
    private static final String T_TREC = "*cls**mask*:*+sent_0**sep+*";

    private static final Map<String, Task> TASKS = build();

    private TaskRegistry() {
    }

    /** All tasks, in registration order. */
    public static List<Task> all() {
        return List.copyOf(TASKS.values());
    }

    /** The task called {@code name} (case-insensitive). */
    public static Task get(String name) {
        for (Task t : TASKS.values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new LorankException("--task: '" + name + "' is not a registered task; choose one of "
                + String.join(", ", TASKS.keySet()) + " or pass a task file (.yaml/.json)");
    }

    private static Map<String, Task> build() {
        Map<String, Task> m = new LinkedHashMap<>();
        List<String> b = List.of("0", "1");
        List<String> sentiment = List.of("It was terrible.", "It was great.");
        TableLayout csv = TableLayout.csv(2, 1, NONE, 0);

        add(m, glue("SST-2", TaskKind.SINGLE, b, T_SENT, List.of("terrible", "great"), sentiment, TaskMetric.ACCURACY,
                TableLayout.tsv(true, 0, 0, NONE, 1), "train.tsv", "dev.tsv", "test.tsv",
                "SST-2/lmbff_train.tsv", "SST-2/lmbff_dev.tsv", false,
                "LM-BFF's sentence-level SST-2 (6,920 train rows), not GLUE's phrase-level SST-2."));
        add(m, senteval("sst-5", List.of("0", "1", "2", "3", "4"), T_SENT,
                List.of("terrible", "bad", "okay", "good", "great"),
                List.of("It was terrible.", "It was bad.", "It was okay.", "It was good.", "It was great."), csv, null));
        String order = "train.csv is a reassembly whose row order is not LM-BFF's: sampled splits differ from the "
                + "published ones (use k-shot/).";
        add(m, senteval("mr", b, T_SENT, List.of("terrible", "great"), sentiment, csv, order));
        add(m, senteval("cr", b, T_SENT, List.of("terrible", "great"), sentiment, csv, order));
        add(m, senteval("mpqa", b, T_SENT, List.of("terrible", "great"), sentiment, csv, order));
        add(m, senteval("subj", b, T_THIS, List.of("subjective", "objective"),
                List.of("This is subjective.", "This is objective."), csv, order));
        add(m, senteval("trec", List.of("0", "1", "2", "3", "4", "5"), T_TREC,
                List.of("Description", "Entity", "Expression", "Human", "Location", "Number"),
                List.of("This question asks for a description.", "This question asks for an entity.",
                        "This question asks for an abbreviation.", "This question asks for a person.",
                        "This question asks for a location.", "This question asks for a number."), csv, null));
        add(m, glue("CoLA", TaskKind.SINGLE, b, T_THIS, List.of("incorrect", "correct"),
                List.of("This is incorrect.", "This is correct."), TaskMetric.MCC,
                TableLayout.tsv(false, 4, 3, NONE, 1), "train.tsv", "dev.tsv", "test.tsv",
                "CoLA/train.tsv", "CoLA/dev.tsv", true, null));

        List<String> nli3 = List.of("contradiction", "entailment", "neutral");
        List<String> nliWords = List.of("No", "Yes", "Maybe");
        List<String> nliDesc = List.of("No, the second sentence contradicts the first.",
                "Yes, the second sentence follows from the first.",
                "Maybe, the second sentence may or may not be true.");
        add(m, glue("MNLI", TaskKind.PAIR, nli3, T_NLI, nliWords, nliDesc, TaskMetric.ACCURACY,
                TableLayout.tsvAtLeast(8, 9, -1), "train.tsv", "dev_matched.tsv", null,
                null, "MNLI/dev_matched.jsonl", false,
                "No k-shot test file: the test set is MNLI/dev_matched.jsonl (GLUE MNLI-m dev, 9,815 rows)."));
        add(m, glue("SNLI", TaskKind.PAIR, nli3, T_NLI, nliWords, nliDesc, TaskMetric.ACCURACY,
                TableLayout.tsvAtLeast(7, 8, -1), "train.tsv", "dev.tsv", null,
                null, "SNLI/dev.jsonl", false,
                "No k-shot test file: the test set is SNLI/dev.jsonl (SNLI dev, 9,842 rows, the size of LM-BFF's "
                        + "SNLI test; its row order is not verified, which matters only for the 1k-test cap)."));
        List<String> ent = List.of("entailment", "not_entailment");
        List<String> entDesc = List.of("Yes, the second sentence follows from the first.",
                "No, the second sentence does not follow from the first.");
        add(m, glue("QNLI", TaskKind.PAIR, ent, T_NLI, List.of("Yes", "No"), entDesc, TaskMetric.ACCURACY,
                TableLayout.tsv(true, 4, 1, 2, -1), "train.tsv", "dev.tsv", "test.tsv",
                null, "QNLI/dev.tsv", false, null));
        add(m, glue("RTE", TaskKind.PAIR, ent, T_NLI, List.of("Yes", "No"), entDesc, TaskMetric.ACCURACY,
                TableLayout.tsv(true, 4, 1, 2, -1), "train.tsv", "dev.tsv", "test.tsv",
                "RTE/train.tsv", "RTE/dev.tsv", false, null));
        List<String> paraDesc = List.of("No, the two sentences mean different things.",
                "Yes, the two sentences mean the same thing.");
        add(m, glue("MRPC", TaskKind.PAIR, b, T_PARA, List.of("No", "Yes"), paraDesc, TaskMetric.F1,
                TableLayout.tsv(true, 5, 3, 4, 0), "train.tsv", "dev.tsv", "test.tsv",
                "MRPC/train.tsv", "MRPC/dev.tsv", false, null));
        add(m, glue("QQP", TaskKind.PAIR, b, T_PARA, List.of("No", "Yes"), paraDesc, TaskMetric.F1,
                TableLayout.tsv(true, 6, 3, 4, 5), "train.tsv", "dev.tsv", null,
                null, null, false,
                "QQP has NO test set here (GLUE QQP dev, 40,430 rows, was not obtained): evaluate on dev only."));
        add(m, WordNetTasks.binary());
        add(m, WordNetTasks.fiveWay());
        return Collections.unmodifiableMap(m);
    }

    private static void add(Map<String, Task> m, Task t) {
        m.put(t.name(), t);
    }

    private static Task glue(String name, TaskKind kind, List<String> labels, String template, List<String> words,
                             List<String> desc, TaskMetric metric, TableLayout layout, String kTrain, String kDev,
                             String kTest, String fullTrain, String fullTest, boolean headerless, String note) {
        TableLayout testLayout = fullTest != null && fullTest.endsWith(".jsonl")
                ? TableLayout.jsonl("premise", "hypothesis", "label") : layout;
        DataSource src = new DataSource.LmBff(name, new DataSource.DataFile(kTrain, layout),
                new DataSource.DataFile(kDev, layout), kTest == null ? null : new DataSource.DataFile(kTest, layout),
                fullTrain == null ? null : new DataSource.DataFile(fullTrain, layout),
                fullTest == null ? null : new DataSource.DataFile(fullTest, testLayout), headerless, note);
        return new Task(name, kind, labels, PromptTemplate.parse(template), new LabelVerbalizer(words, desc), metric, src);
    }

    private static Task senteval(String name, List<String> labels, String template, List<String> words,
                                 List<String> desc, TableLayout csv, String note) {
        DataSource src = new DataSource.LmBff(name, new DataSource.DataFile("train.csv", csv),
                new DataSource.DataFile("dev.csv", csv), new DataSource.DataFile("test.csv", csv),
                new DataSource.DataFile(name + "/train.csv", csv), new DataSource.DataFile(name + "/test.csv", csv),
                false, note);
        return new Task(name, TaskKind.SINGLE, labels, PromptTemplate.parse(template),
                new LabelVerbalizer(words, desc), TaskMetric.ACCURACY, src);
    }

    /** Names, for help texts. */
    public static List<String> names() {
        return new ArrayList<>(TASKS.keySet());
    }
}
