package io.lorank.data;

import io.lorank.LorankException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.lorank.data.TableLayout.NONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExampleReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private DataSource.LmBff lm(String task) {
        return (DataSource.LmBff) TaskRegistry.get(task).source();
    }

    private List<Example> readAs(String task, Path file) {
        Task t = TaskRegistry.get(task);
        return ExampleReader.read(file, lm(task).kTrain().layout(), t.labels());
    }

    private static void assertOneLine(LorankException e, String prefix) {
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void glueSst2() throws IOException {
        Path f = write("train.tsv", "sentence\tlabel\na fine film .\t1\ndull\t0\n");
        List<Example> ex = readAs("SST-2", f);
        assertEquals(2, ex.size());
        assertEquals(new Example("train.tsv:2", "a fine film .", null, 1), ex.get(0));
        assertEquals(0, ex.get(1).label());
    }

    @Test
    void mrpcWithBom() throws IOException {
        Path f = write("train.tsv", "\uFEFFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\tA b.\tC d.\n");
        Example e = readAs("MRPC", f).get(0);
        assertEquals("A b.", e.text());
        assertEquals("C d.", e.textPair());
        assertEquals(1, e.label());
    }

    @Test
    void colaHasNoHeaderAndCrlf() throws IOException {
        Path f = write("train.tsv", "gj04\t1\t\tThe book is red.\r\nbc01\t0\t*\tBook red the.\r\n");
        List<Example> ex = readAs("CoLA", f);
        assertEquals(2, ex.size());
        assertEquals("The book is red.", ex.get(0).text());
        assertEquals("train.tsv:1", ex.get(0).id());
        assertEquals(0, ex.get(1).label());
    }

    @Test
    void mnliTwelveColumnsAndSnliFiveAnnotators() throws IOException {
        String h = "index\tpromptID\tpairID\tgenre\ts1b\ts2b\ts1p\ts2p\tsentence1\tsentence2\tlabel1\tgold_label\n";
        Path f = write("mnli.tsv", h + "0\t1\t1e\tgov\tx\tx\tx\tx\tPrem.\tHyp.\tneutral\tneutral\n");
        Example e = readAs("MNLI", f).get(0);
        assertEquals("Prem.", e.text());
        assertEquals("Hyp.", e.textPair());
        assertEquals(2, e.label());
        String sh = "index\tcaptionID\tpairID\ts1b\ts2b\ts1p\ts2p\tsentence1\tsentence2\tlabel1\tgold_label\n";
        Path s = write("snli.tsv", sh + "0\tc\tp\tx\tx\tx\tx\tA.\tB.\tentailment\tentailment\tneutral\tentailment"
                + "\tentailment\tentailment\n");
        assertEquals(1, readAs("SNLI", s).get(0).label());
        Path shortRow = write("snli2.tsv", sh + "0\tc\tp\tx\tx\tx\tx\tA.\tB.\tentailment\n");
        assertOneLine(assertThrows(LorankException.class, () -> readAs("SNLI", shortRow)),
                shortRow + ":2: found 10 columns, expected at least 11");
    }

    @Test
    void sentevalCsvWithQuotes() throws IOException {
        Path f = write("train.csv", "3,What is a fish ?\n0,\"a \"\"quoted\"\" , text\"\n");
        Task t = TaskRegistry.get("trec");
        List<Example> ex = ExampleReader.read(f, lm("trec").kTrain().layout(), t.labels());
        assertEquals("What is a fish ?", ex.get(0).text());
        assertEquals(3, ex.get(0).label());
        assertEquals("a \"quoted\" , text", ex.get(1).text());
    }

    @Test
    void jsonlBothSchemas() throws IOException {
        Path f = write("dev_matched.jsonl", "{\"premise\": \"P\", \"hypothesis\": \"H\", \"label\": \"contradiction\"}\n\n");
        Example e = ExampleReader.read(f, lm("MNLI").fullTest().layout(), TaskRegistry.get("MNLI").labels()).get(0);
        assertEquals(new Example("dev_matched.jsonl:1", "P", "H", 0), e);
        Path g = write("u.jsonl", "{\"text\": \"t\", \"label\": 1}\n{\"text\": \"u\", \"text_pair\": \"v\", \"label\": \"0\"}\n");
        List<Example> ex = ExampleReader.read(g, TableLayout.jsonl("text", null, "label"), List.of("0", "1"));
        assertEquals(1, ex.get(0).label());
        assertNull(ex.get(0).textPair());
        assertEquals(0, ex.get(1).label());
    }

    @Test
    void malformedRowsNameFileAndLine() throws IOException {
        Path cols = write("cols.tsv", "sentence\tlabel\nok\t1\ntoo\tmany\t1\n");
        assertOneLine(assertThrows(LorankException.class, () -> readAs("SST-2", cols)),
                cols + ":3: found 3 columns, expected 2");
        Path lab = write("lab.tsv", "sentence\tlabel\nok\t7\n");
        assertOneLine(assertThrows(LorankException.class, () -> readAs("SST-2", lab)),
                lab + ":2: label '7' is not one of [0, 1]");
        Path empty = write("empty.tsv", "");
        assertOneLine(assertThrows(LorankException.class, () -> readAs("SST-2", empty)), empty + ": the file is empty");
        Path headerOnly = write("h.tsv", "sentence\tlabel\n");
        assertOneLine(assertThrows(LorankException.class, () -> readAs("SST-2", headerOnly)), headerOnly + ": no data rows");
        Path bad = dir.resolve("bad.tsv");
        byte[] head = "sentence\tlabel\nfine\t1\n".getBytes(StandardCharsets.UTF_8);
        byte[] row = {'b', (byte) 0xC3, (byte) 0x28, '\t', '0', '\n'}; // 0xC3 0x28 is not UTF-8
        byte[] all = new byte[head.length + row.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(row, 0, all, head.length, row.length);
        Files.write(bad, all);
        assertOneLine(assertThrows(LorankException.class, () -> readAs("SST-2", bad)),
                bad + ":3: invalid UTF-8");
        Path json = write("x.jsonl", "{\"text\": \"a\", \"label\": 0}\n{\"text\": \n");
        assertOneLine(assertThrows(LorankException.class,
                () -> ExampleReader.read(json, TableLayout.jsonl("text", null, "label"), List.of("0", "1"))),
                json + ":2:10: not a JSON object");
        Path csv = write("x.csv", "0,a,b\n");
        assertOneLine(assertThrows(LorankException.class,
                () -> ExampleReader.read(csv, TableLayout.csv(2, 1, NONE, 0), List.of("0", "1"))),
                csv + ":1: found 3 columns, expected 2");
        Path missing = dir.resolve("nope.tsv");
        assertOneLine(assertThrows(LorankException.class, () -> readAs("SST-2", missing)), missing + ": file not found");
    }
}
