package io.lorank.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorank.LorankException;
import io.lorank.data.TaskRegistry;
import io.lorank.util.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptTemplateTest {
    /**
     * golden.json: one real example per task (first row of k-shot/TASK/16-13/train) rendered by a transcription of
     * LM-BFF's template loop (src/test/resources/templates/make_goldens.py); our registry's templates must agree.
     */
    @Test
    void rendersExactlyAsLmBffForEveryTask() throws Exception {
        JsonNode golden = Json.MAPPER.readTree(getClass().getResourceAsStream("/templates/golden.json"));
        assertEquals(14, golden.size());
        for (JsonNode g : golden) {
            List<String> texts = new ArrayList<>();
            g.get("texts").forEach(t -> texts.add(t.asText()));
            PromptTemplate tpl = TaskRegistry.get(g.get("task").asText()).template();
            assertEquals(g.get("bert").asText(), tpl.render(texts, SpecialTokens.bert()), g.get("task").asText());
            assertEquals(g.get("roberta").asText(), tpl.render(texts, SpecialTokens.roberta()), g.get("task").asText());
        }
    }

    @Test
    void nliPiecesCarrySegmentsAndModifiers() {
        PromptTemplate t = PromptTemplate.parse("*cls**sent-_0*?*mask*,*+sentl_1**sep+*");
        List<PromptTemplate.Piece> p = t.pieces(List.of("The cat sat.", "A cat is sitting."), SpecialTokens.bert());
        assertEquals(List.of(
                new PromptTemplate.Piece(PromptTemplate.PieceKind.CLS, "[CLS]", 0, -1),
                new PromptTemplate.Piece(PromptTemplate.PieceKind.TEXT, "The cat sat", 0, 0),
                new PromptTemplate.Piece(PromptTemplate.PieceKind.SINGLE_TOKEN, "?", 0, -1),
                new PromptTemplate.Piece(PromptTemplate.PieceKind.MASK, "[MASK]", 0, -1),
                new PromptTemplate.Piece(PromptTemplate.PieceKind.SINGLE_TOKEN, ",", 0, -1),
                new PromptTemplate.Piece(PromptTemplate.PieceKind.TEXT, " a cat is sitting.", 0, 1),
                new PromptTemplate.Piece(PromptTemplate.PieceKind.SEP, "[SEP]", 0, -1)), p);
        assertEquals(2, t.sentenceCount());
        PromptTemplate two = PromptTemplate.parse("*cls**sent_0**sep+**mask**+sentu_1**sep+*");
        List<PromptTemplate.Piece> q = two.pieces(List.of("a", "b"), SpecialTokens.roberta());
        assertEquals(0, q.get(2).segment());
        assertEquals(1, q.get(4).segment()); // after the first sep+
        assertEquals(" B", q.get(4).text());
        assertEquals("A: b", PromptTemplate.parse("*cls*A:*+sent_0**mask**sep*").renderPlain(List.of("b"), "")
                .strip());
    }

    @Test
    void literalUnderscoresAreSpacesAndPlainRenderDropsSpecials() {
        PromptTemplate t = TaskRegistry.get("SST-2").template();
        assertEquals("good . It was[MASK].", t.renderPlain(List.of("good ."), "[MASK]"));
        assertEquals("good . It was<mask>.", t.renderPlain(List.of("good ."), "<mask>"));
    }

    @Test
    void templateWithoutMaskParsesForTheEmbeddingAndProbeHeads() {
        PromptTemplate t = PromptTemplate.parse("*cls**sent_0*.*sep+*");
        assertFalse(t.hasMask());
        assertTrue(TaskRegistry.get("SST-2").template().hasMask());
        assertEquals("good.", t.renderPlain(List.of("good"), "[MASK]"));
    }

    @Test
    void badTemplatesAreUserErrors() {
        LorankException e = assertThrows(LorankException.class, () -> PromptTemplate.parse("*cls**mask**sent_0**mask*"));
        assertTrue(e.getMessage().contains("has 2 *mask* parts, expected at most 1"), e.getMessage());
        assertThrows(LorankException.class, () -> PromptTemplate.parse("*cls**sent_2**mask*"));
        assertThrows(LorankException.class, () -> PromptTemplate.parse("*cls**label_0**mask*"));
        assertThrows(LorankException.class, () -> PromptTemplate.parse(""));
    }

    @Test
    void labelWordTokenTextFollowsLmBff() {
        assertEquals(" great", LabelVerbalizer.lmBffTokenText("great"));
        assertEquals(" Yes", LabelVerbalizer.lmBffTokenText("Yes"));
        assertEquals("[unused1]", LabelVerbalizer.lmBffTokenText("[unused1]"));
        assertEquals(".", LabelVerbalizer.lmBffTokenText("."));
        LabelVerbalizer v = TaskRegistry.get("sst-5").verbalizer();
        assertEquals(List.of("terrible", "bad", "okay", "good", "great"), v.words());
        assertEquals("It was okay.", v.descriptions().get(2));
    }

    @Test
    void registryMatchesRunExperimentSh() {
        // spot checks against LM-BFF's run_experiment.sh mappings, label order from src/processors.py
        assertEquals(List.of("No", "Yes", "Maybe"), TaskRegistry.get("MNLI").labelWords());
        assertEquals(List.of("contradiction", "entailment", "neutral"), TaskRegistry.get("SNLI").labels());
        assertEquals(List.of("Yes", "No"), TaskRegistry.get("RTE").labelWords());
        assertEquals(List.of("entailment", "not_entailment"), TaskRegistry.get("QNLI").labels());
        assertEquals(List.of("incorrect", "correct"), TaskRegistry.get("CoLA").labelWords());
        assertEquals(List.of("Description", "Entity", "Expression", "Human", "Location", "Number"),
                TaskRegistry.get("trec").labelWords());
        assertEquals("*cls**mask*:*+sent_0**sep+*", TaskRegistry.get("trec").template().source());
        assertEquals("*cls**sent_0**mask*,*+sentl_1**sep+*", TaskRegistry.get("QQP").template().source());
    }
}
