package io.lorank.data;

import io.lorank.LorankException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserTaskFileTest {
    @TempDir
    Path dir;

    private void writeData(int perClass) throws IOException {
        StringBuilder tr = new StringBuilder();
        StringBuilder te = new StringBuilder();
        for (int i = 0; i < perClass; i++) {
            tr.append("{\"text\": \"good ").append(i).append("\", \"label\": \"pos\"}\n");
            tr.append("{\"text\": \"bad ").append(i).append("\", \"label\": \"neg\"}\n");
        }
        te.append("{\"text\": \"fine\", \"label\": \"pos\"}\n");
        Files.writeString(dir.resolve("train.jsonl"), tr);
        Files.writeString(dir.resolve("test.jsonl"), te);
    }

    @Test
    void yamlTaskSamplesItsOwnSplit() throws IOException {
        writeData(10);
        Path yaml = dir.resolve("task.yaml");
        Files.writeString(yaml, """
                name: toy
                format: jsonl
                columns: {text: text, label: label}
                files: {train: train.jsonl, test: test.jsonl}
                labels: [neg, pos]
                template: "*cls**sent_0*_It_was*mask*.*sep+*"
                label_words: [terrible, great]
                label_descriptions: ["It was terrible.", "It was great."]
                metric: f1
                """);
        Task t = UserTaskFile.load(yaml);
        assertEquals(TaskKind.SINGLE, t.kind());
        assertEquals(TaskMetric.F1, t.metric());
        FewShotSplit s = SplitLoader.load(t, null, new SplitLoader.Request(4, 21, false));
        assertEquals(8, s.train().size());
        assertEquals(8, s.dev().size());
        assertEquals(1, s.test().size());
        Path out = s.write(dir.resolve("run"), t.labels());
        String json = Files.readString(out);
        assertTrue(json.contains("\"label_name\" : \"pos\""), json);
    }

    @Test
    void jsonTaskWithTsvPairs() throws IOException {
        Files.writeString(dir.resolve("tr.tsv"), "a\tb\tlabel\n" + "x\ty\t1\n".repeat(3) + "u\tv\t0\n".repeat(3));
        Path json = dir.resolve("t.json");
        Files.writeString(json, "{\"name\": \"p\", \"format\": \"tsv\", \"header\": true, "
                + "\"columns\": {\"text\": 0, \"text_pair\": 1, \"label\": 2}, \"files\": {\"train\": \"tr.tsv\"}, "
                + "\"labels\": [\"0\", \"1\"], \"template\": \"*cls**sent_0**mask*,*+sentl_1**sep+*\"}");
        Task t = UserTaskFile.load(json);
        assertEquals(TaskKind.PAIR, t.kind());
        FewShotSplit s = SplitLoader.load(t, null, new SplitLoader.Request(1, 13, false));
        assertEquals("y", s.train().get(0).textPair());
        assertTrue(s.testNote().contains("test set is empty"));
    }

    @Test
    void badFilesAreOneLineErrors() throws IOException {
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, "name: x\nformat: tsv\ncolour: red\n");
        LorankException e = assertThrows(LorankException.class, () -> UserTaskFile.load(yaml));
        assertTrue(e.getMessage().startsWith(yaml + ": unknown key 'colour'"), e.getMessage());
        Files.writeString(yaml, "name: x\nformat: xml\ncolumns: {text: 0, label: 1}\nfiles: {train: a}\n"
                + "labels: [a, b]\ntemplate: '*cls**sent_0**mask*'\n");
        e = assertThrows(LorankException.class, () -> UserTaskFile.load(yaml));
        assertTrue(e.getMessage().contains("format 'xml' is unknown"), e.getMessage());
        Files.writeString(yaml, "name: x\nformat: csv\ncolumns: {text: 1, label: 0}\nfiles: {train: a}\n"
                + "labels: [a, b]\ntemplate: '*cls**sent_0**sent_1**mask*'\n");
        e = assertThrows(LorankException.class, () -> UserTaskFile.load(yaml));
        assertTrue(e.getMessage().contains("reads 2 texts but a single task needs 1"), e.getMessage());
    }
}
