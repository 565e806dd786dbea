package io.lorank.text;

import io.lorank.model.TokenizerSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MiniLM tokenizer (BERT WordPiece, uncased) through the wrapper: ids, pairs, truncation, padding, mask. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TextTokenizerTest {
    private final TokenizerSource src = new TokenizerSource.Resource("all-minilm-l6-v2-tokenizer.json");
    private TextTokenizer tk;

    @BeforeAll
    void open() {
        tk = TextTokenizer.load(src, TokenizerOptions.defaults());
    }

    @AfterAll
    void close() {
        tk.close();
    }

    @Test
    void singleTextsArePaddedToTheLongestWithMask() {
        TokenBatch b = tk.encode(List.of("Hello world!", "Hi"));
        // [CLS] hello world ! [SEP] / [CLS] hi [SEP] [PAD] [PAD]; ids from the BERT uncased vocabulary
        assertArrayEquals(new long[] {101, 7592, 2088, 999, 102, 101, 7632, 102, 0, 0}, b.ids());
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, b.attentionMask());
        assertArrayEquals(new int[] {5, 3}, b.lengths());
        assertEquals(5, b.length());
    }

    @Test
    void pairsGetTokenTypesAndSeparators() {
        TokenBatch b = tk.encodePairs(List.of("a cat"), List.of("a dog"));
        assertArrayEquals(new long[] {101, 1037, 4937, 102, 1037, 3899, 102}, b.ids());
        assertArrayEquals(new long[] {0, 0, 0, 0, 1, 1, 1}, b.typeIds());
    }

    @Test
    void truncationStrategies() {
        String longFirst = "one two three four five six seven eight nine ten";
        try (TextTokenizer t = TextTokenizer.load(src, TokenizerOptions.defaults().withMaxLength(8))) {
            TokenBatch b = t.encodePairs(List.of(longFirst), List.of("a b c d e f"));
            // longest-first: 8 = 3 specials + 5 content, taken from the longer segment first -> 3 + 2 or 2 + 3
            assertEquals(8, b.lengths()[0]);
            long seconds = java.util.Arrays.stream(b.typeIds()).filter(x -> x == 1).count();
            assertTrue(seconds >= 2 && seconds <= 4, "longest-first cuts both segments: " + seconds);
        }
        try (TextTokenizer t = TextTokenizer.load(src,
                TokenizerOptions.defaults().withMaxLength(8).withTruncation(Truncation.ONLY_FIRST))) {
            TokenBatch b = t.encodePairs(List.of(longFirst), List.of("a b"));
            assertEquals(8, b.lengths()[0]);
            assertArrayEquals(new long[] {101, 2028, 2048, 2093, 102, 1037, 1038, 102}, b.ids(),
                    "only-first keeps the second segment whole");
        }
        try (TextTokenizer t = TextTokenizer.load(src, new TokenizerOptions(6, Truncation.LONGEST_FIRST, true, true))) {
            TokenBatch b = t.encode(List.of("x", longFirst));
            assertEquals(6, b.length(), "pad to max length");
            assertArrayEquals(new int[] {3, 6}, b.lengths());
            assertEquals(102, b.ids()[11], "a truncated single text still ends with [SEP]");
        }
    }

    @Test
    void maskTokenAndWordIds() {
        assertEquals("[MASK]", tk.maskToken());
        assertEquals(103, tk.maskTokenId());
        assertEquals(0, tk.padTokenId());
        assertArrayEquals(new long[] {2307}, tk.tokenIds("great"));
        assertEquals(2307, tk.tokenToId("great").orElseThrow());
        assertArrayEquals(new long[] {2307, 1012}, tk.tokenIds("great."), "no special tokens around words");
        assertEquals(List.of("[CLS]", "it", "was", "[MASK]", ".", "[SEP]"), tk.tokens("It was [MASK]."));
    }
}
