package io.lorank.head;

import io.lorank.LorankException;
import io.lorank.text.PromptTemplate;
import io.lorank.text.SpecialTokens;
import io.lorank.text.TextTokenizer;
import io.lorank.text.TokenBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * Tokenizes a prompt exactly as LM-BFF's {@code tokenize_multipart_input}: every template part is encoded on its
 * own without special tokens and the ids are concatenated; cls/mask/sep are the tokenizer's special ids; a
 * one-character literal is looked up as a single vocabulary token; the token type is the part's segment (0 until
 * {@code sep+}). Too long a prompt loses tokens from the end of its longest sentence part (LM-BFF's
 * first_sent_limit/other_sent_limit idea), so the mask and the closing sep always survive.
 */
final class PromptTokens {
    /** One tokenized prompt: ids and types [T], and the index of its mask token. */
    record Encoded(long[] ids, long[] types, int maskPosition) {
    }

    private final PromptTemplate template;
    private final TextTokenizer tokenizer;
    private final SpecialTokens specials;
    private final int maxLength;

    PromptTokens(PromptTemplate template, TextTokenizer tokenizer, SpecialTokens specials, int maxLength) {
        this.template = template;
        this.tokenizer = tokenizer;
        this.specials = specials;
        this.maxLength = maxLength;
    }

    Encoded encode(List<String> texts) {
        List<PromptTemplate.Piece> pieces = template.pieces(texts, specials);
        List<long[]> ids = new ArrayList<>(pieces.size());
        int total = 0;
        for (PromptTemplate.Piece p : pieces) {
            long[] t = switch (p.kind()) {
                case CLS, MASK, SEP -> new long[] {special(p.text())};
                case SINGLE_TOKEN -> {
                    OptionalLong id = tokenizer.tokenToId(p.text());
                    yield id.isPresent() ? new long[] {id.getAsLong()} : tokenizer.tokenIds(p.text());
                }
                case TEXT -> tokenizer.tokenIds(p.text());
            };
            ids.add(t);
            total += t.length;
        }
        while (total > maxLength) { // drop the last token of the longest sentence part
            int longest = -1;
            for (int i = 0; i < pieces.size(); i++) {
                boolean sentence = pieces.get(i).sentenceIndex() >= 0;
                if (sentence && (longest < 0 || ids.get(i).length > ids.get(longest).length)) {
                    longest = i;
                }
            }
            if (longest < 0 || ids.get(longest).length == 0) {
                throw new LorankException("template '" + template + "': the prompt alone needs " + total
                        + " tokens, more than the maximum length " + maxLength);
            }
            long[] t = ids.get(longest);
            ids.set(longest, Arrays.copyOf(t, t.length - 1));
            total--;
        }
        long[] out = new long[total];
        long[] types = new long[total];
        int at = 0;
        int mask = -1;
        for (int i = 0; i < pieces.size(); i++) {
            long[] t = ids.get(i);
            if (pieces.get(i).kind() == PromptTemplate.PieceKind.MASK) {
                mask = at;
            }
            System.arraycopy(t, 0, out, at, t.length);
            Arrays.fill(types, at, at + t.length, pieces.get(i).segment());
            at += t.length;
        }
        return new Encoded(out, types, mask);
    }

    /** Right-padded batch of encoded prompts with the tokenizer's pad id. */
    TokenBatch batch(List<Encoded> rows) {
        int b = rows.size();
        int t = 1;
        for (Encoded e : rows) {
            t = Math.max(t, e.ids().length);
        }
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        long[] types = new long[b * t];
        int[] lengths = new int[b];
        Arrays.fill(ids, tokenizer.padTokenId());
        for (int i = 0; i < b; i++) {
            Encoded e = rows.get(i);
            int n = e.ids().length;
            System.arraycopy(e.ids(), 0, ids, i * t, n);
            System.arraycopy(e.types(), 0, types, i * t, n);
            Arrays.fill(mask, i * t, i * t + n, 1L);
            lengths[i] = n;
        }
        return new TokenBatch(b, t, ids, mask, types, lengths);
    }

    private long special(String token) {
        return tokenizer.tokenToId(token).orElseThrow(() -> new LorankException("tokenizer: has no special token "
                + token + "; the MLM prompt head needs " + specials.cls() + ", " + specials.mask() + " and "
                + specials.sep()));
    }
}
