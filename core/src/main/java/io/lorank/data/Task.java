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
        if (new java.util.HashSet<>(labels).size() != labels.size()) {
            List<String> all = labels;
            String dup = all.stream().filter(l -> java.util.Collections.frequency(all, l) > 1).findFirst().orElseThrow();
            throw new LorankException("task " + name + ": label '" + dup + "' is listed more than once in " + labels
                    + "; list each label once");
        }
        if (labels.size() < 2) {
            throw new LorankException("task " + name + ": has " + labels.size() + " labels, expected at least 2");
        }
        int wanted = kind == TaskKind.PAIR ? 2 : 1;
        if (template.sentenceCount() != wanted) {
            List<String> literals = template.parts().stream()
                    .filter(p -> p instanceof io.lorank.text.PromptTemplate.Literal)
                    .map(p -> "*" + ((io.lorank.text.PromptTemplate.Literal) p).text().replace(' ', '_') + "*").toList();
            throw new LorankException("task " + name + ": template '" + template.source() + "' reads "
                    + template.sentenceCount() + (template.sentenceCount() == 1 ? " text" : " texts") + " but a "
                    + kind.lowerName() + " task needs " + wanted + " (" + (wanted == 1 ? "*sent_0*" : "*sent_0* and *sent_1*")
                    + ")" + (literals.isEmpty() ? "" : "; read as literal text: " + String.join(", ", literals)));
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
