package io.lorank.data;

import io.lorank.LorankException;
import io.lorank.text.LabelVerbalizer;
import io.lorank.text.PromptTemplate;

import java.util.List;

/**
 * A classification task: its labels, how a prompt head sees it (LM-BFF template, label words for an MLM head,
 * label descriptions for a sentence-embedding head), its metric and where its data comes from.
 *
 * @param name     registry name, e.g. {@code SST-2}, {@code trec}, {@code wordnet-binary}
 * @param kind     single text or text pair
 * @param labels   raw label strings as they appear in the files; the position is the label index
 * @param template LM-BFF template
 * @param verbalizer label words (one per label, may be empty) and label descriptions (one per label, may be empty)
 * @param metric   the task's reported metric (GLUE / LM-BFF convention)
 * @param source   where the examples come from
 */
public record Task(String name, TaskKind kind, List<String> labels, PromptTemplate template,
                   LabelVerbalizer verbalizer, TaskMetric metric, DataSource source) {
    public Task {
        labels = List.copyOf(labels);
        if (labels.size() < 2) {
            throw new LorankException("task " + name + ": has " + labels.size() + " labels, expected at least 2");
        }
        int wanted = kind == TaskKind.PAIR ? 2 : 1;
        if (template.sentenceCount() != wanted) {
            throw new LorankException("task " + name + ": template '" + template + "' reads "
                    + template.sentenceCount() + " texts but the task is " + kind.lowerName());
        }
        if (verbalizer.hasWords() && verbalizer.words().size() != labels.size()) {
            throw new LorankException("task " + name + ": " + verbalizer.words().size() + " label words for "
                    + labels.size() + " labels");
        }
        if (verbalizer.hasDescriptions() && verbalizer.descriptions().size() != labels.size()) {
            throw new LorankException("task " + name + ": " + verbalizer.descriptions().size()
                    + " label descriptions for " + labels.size() + " labels");
        }
    }

    public int numClasses() {
        return labels.size();
    }

    public List<String> labelWords() {
        return verbalizer.words();
    }

    public List<String> labelDescriptions() {
        return verbalizer.descriptions();
    }
}
