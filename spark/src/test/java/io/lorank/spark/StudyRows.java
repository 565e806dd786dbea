package io.lorank.spark;

import io.lorank.study.ResultsDb;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** A study folder's rows by hash (a duplicated hash fails the test). */
final class StudyRows {
    private StudyRows() {
    }

    static Map<String, ResultsDb.Row> of(Path dir) {
        Map<String, ResultsDb.Row> m = new TreeMap<>();
        try (ResultsDb db = ResultsDb.openExisting(dir.resolve(ResultsDb.FILE))) {
            for (ResultsDb.Row r : db.rows()) {
                assertFalse(m.containsKey(r.hash()), "duplicate row " + r.hash());
                m.put(r.hash(), r);
            }
        }
        return m;
    }
}
