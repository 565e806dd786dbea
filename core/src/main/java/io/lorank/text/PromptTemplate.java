package io.lorank.text;

import io.lorank.LorankException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A prompt in LM-BFF's template language (Gao, Fisch &amp; Chen 2021, {@code src/dataset.py},
 * {@code tokenize_multipart_input}). The template is split on {@code *}; each part is
 * <ul>
 *   <li>{@code cls}, {@code mask}, {@code sep}: the tokenizer's special token; {@code sep+}: sep, and the segment id
 *       (token type) of what follows is one higher;</li>
 *   <li>{@code sent_i}: text i; {@code +sent_i}: with a leading space; {@code sent-_i}: with its last character
 *       removed; {@code sentl_i}: first character lower-cased; {@code +sentl_i}, {@code sentl-_i}, {@code sentu_i}
 *       (upper-cased), {@code +sentu_i}: the combinations;</li>
 *   <li>anything else: literal text with {@code _} meaning a space (LM-BFF looks a one-character literal up as a
 *       single vocabulary token instead of encoding it).</li>
 * </ul>
 * Example: {@code *cls**sent_0*_It_was*mask*.*sep+*} on "a gorgeous film ." renders, with BERT's specials, to
 * {@code [CLS]a gorgeous film . It was[MASK].[SEP]}. {@link #pieces} gives the parts one by one so a tokenizer can
 * encode each separately, exactly as LM-BFF does ({@code tokenizer.encode(part, add_special_tokens=False)}).
 */
public final class PromptTemplate {
    /** A parsed template part. */
    public sealed interface Part permits Special, Sentence, Literal {
    }

    public enum SpecialKind { CLS, MASK, SEP, SEP_PLUS }

    public record Special(SpecialKind kind) implements Part {
    }

    /** Text {@code index} with LM-BFF's modifiers. */
    public record Sentence(int index, boolean leadingSpace, boolean lowerFirst, boolean upperFirst,
                           boolean dropLastChar) implements Part {
        /** The text as LM-BFF feeds it to the tokenizer. */
        public String apply(String text) {
            String t = text;
            if (lowerFirst && !t.isEmpty()) {
                t = t.substring(0, 1).toLowerCase(Locale.ROOT) + t.substring(1);
            }
            if (upperFirst && !t.isEmpty()) {
                t = t.substring(0, 1).toUpperCase(Locale.ROOT) + t.substring(1);
            }
            if (dropLastChar && !t.isEmpty()) {
                t = t.substring(0, t.length() - 1);
            }
            return leadingSpace ? " " + t : t;
        }
    }

    /** Literal prompt text, underscores already turned into spaces. */
    public record Literal(String text) implements Part {
    }

    /** What a rendered part is: a special token, text to encode, or one character to look up as a single token. */
    public enum PieceKind { CLS, MASK, SEP, TEXT, SINGLE_TOKEN }

    /**
     * One rendered part.
     *
     * @param segment       LM-BFF's segment (token type) id of this part: 0 until the first {@code sep+}, then 1...
     * @param sentenceIndex which input text this part holds, or -1 (prompt text / special token); LM-BFF's
     *                      first_sent_limit / other_sent_limit truncate these parts
     */
    public record Piece(PieceKind kind, String text, int segment, int sentenceIndex) {
    }

    private final String source;
    private final List<Part> parts;
    private final int sentences;

    private PromptTemplate(String source, List<Part> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
        int max = -1;
        for (Part p : parts) {
            if (p instanceof Sentence s) {
                max = Math.max(max, s.index());
            }
        }
        this.sentences = max + 1;
    }

    /**
     * Parses LM-BFF's template syntax. The template holds at most one {@code *mask*}: the MLM head needs exactly one
     * (it refuses a template without, {@link #hasMask()}); the embedding and probe heads read the rendered text and
     * need none.
     */
    public static PromptTemplate parse(String template) {
        if (template == null || template.isBlank()) {
            throw new LorankException("template: empty; expected LM-BFF syntax such as *cls**sent_0*_It_was*mask*.*sep+*");
        }
        List<Part> parts = new ArrayList<>();
        int masks = 0;
        // Python's str.split('*') keeps empty strings between adjacent stars; they encode to nothing.
        for (String part : template.split("\\*", -1)) {
            if (part.isEmpty()) {
                continue;
            }
            Part p = parsePart(part, template);
            if (p instanceof Special s && s.kind() == SpecialKind.MASK) {
                masks++;
            }
            parts.add(p);
        }
        if (masks > 1) {
            throw new LorankException("template '" + template + "': has " + masks + " *mask* parts, expected at most 1");
        }
        return new PromptTemplate(template, parts);
    }

    private static Part parsePart(String part, String template) {
        switch (part) {
            case "cls": return new Special(SpecialKind.CLS);
            case "mask": return new Special(SpecialKind.MASK);
            case "sep": return new Special(SpecialKind.SEP);
            case "sep+": return new Special(SpecialKind.SEP_PLUS);
            default: break;
        }
        if (part.startsWith("label_") || part.startsWith("labelx_")) {
            throw new LorankException("template '" + template + "': *" + part + "* (demonstrations) is not supported");
        }
        String[] kinds = {"sent", "+sent", "sent-", "sentl", "+sentl", "sentl-", "sentu", "+sentu"};
        int us = part.indexOf('_');
        if (us > 0) {
            String head = part.substring(0, us);
            for (String k : kinds) {
                if (k.equals(head)) {
                    int index;
                    try {
                        index = Integer.parseInt(part.substring(us + 1));
                    } catch (NumberFormatException e) {
                        throw new LorankException("template '" + template + "': *" + part
                                + "* has no sentence index; expected e.g. *sent_0*");
                    }
                    if (index < 0 || index > 1) {
                        throw new LorankException("template '" + template + "': *" + part
                                + "* refers to text " + index + "; only texts 0 and 1 exist");
                    }
                    return new Sentence(index, head.startsWith("+"), head.contains("l"), head.contains("u"),
                            head.endsWith("-"));
                }
            }
        }
        if (part.matches("\\+?sent[a-z-]*_?[0-9]+")) { // e.g. *sent0*, *sentx_0*: a misspelled text part, not prose
            throw new LorankException("template '" + template + "': *" + part + "* is not a text part; use *sent_0*,"
                    + " *+sent_0*, *sent-_0*, *sentl_0*, *+sentl_0*, *sentl-_0*, *sentu_0* or *+sentu_0* (or _1)");
        }
        return new Literal(part.replace('_', ' '));
    }

    public String source() {
        return source;
    }

    public List<Part> parts() {
        return parts;
    }

    /** Whether the template holds a {@code *mask*} (the MLM head's prediction position). */
    public boolean hasMask() {
        return parts.stream().anyMatch(p -> p instanceof Special s && s.kind() == SpecialKind.MASK);
    }

    /** Number of input texts the template reads (1 for single-sentence tasks, 2 for pair tasks). */
    public int sentenceCount() {
        return sentences;
    }

    /** The parts with the texts filled in, in order; special tokens carry their string from {@code specials}. */
    public List<Piece> pieces(List<String> texts, SpecialTokens specials) {
        if (texts.size() < sentences) {
            throw new LorankException("template '" + source + "': needs " + sentences + " texts, got " + texts.size());
        }
        List<Piece> out = new ArrayList<>(parts.size());
        int segment = 0;
        for (Part p : parts) {
            if (p instanceof Special s) {
                switch (s.kind()) {
                    case CLS -> out.add(new Piece(PieceKind.CLS, specials.cls(), segment, -1));
                    case MASK -> out.add(new Piece(PieceKind.MASK, specials.mask(), segment, -1));
                    case SEP -> out.add(new Piece(PieceKind.SEP, specials.sep(), segment, -1));
                    case SEP_PLUS -> {
                        out.add(new Piece(PieceKind.SEP, specials.sep(), segment, -1));
                        segment++;
                    }
                }
            } else if (p instanceof Sentence s) {
                String t = texts.get(s.index());
                out.add(new Piece(PieceKind.TEXT, s.apply(t == null ? "" : t), segment, s.index()));
            } else if (p instanceof Literal l) {
                PieceKind kind = l.text().length() == 1 ? PieceKind.SINGLE_TOKEN : PieceKind.TEXT;
                out.add(new Piece(kind, l.text(), segment, -1));
            }
        }
        return out;
    }

    /** The prompt as one string: the pieces concatenated, specials written as {@code specials}' strings. */
    public String render(List<String> texts, SpecialTokens specials) {
        StringBuilder sb = new StringBuilder();
        for (Piece piece : pieces(texts, specials)) {
            sb.append(piece.text());
        }
        return sb.toString();
    }

    /** The prompt without cls/sep (what a sentence-embedding encoder reads; its tokenizer adds its own). */
    public String renderPlain(List<String> texts, String maskText) {
        StringBuilder sb = new StringBuilder();
        for (Piece piece : pieces(texts, new SpecialTokens("", maskText, ""))) {
            sb.append(piece.text());
        }
        return sb.toString().strip();
    }

    @Override
    public String toString() {
        return source;
    }
}
