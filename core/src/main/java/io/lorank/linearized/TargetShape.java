package io.lorank.linearized;

import io.lorank.LorankException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One LoRA target: a Linear weight W of shape [out=m, in=n] (DESIGN.md convention), so B is [m, r], A is [r, n].
 *
 * @param name a label (e.g. {@code layer.3.query}, or the shape itself)
 * @param m    output dimension (rows of W), &gt; 0
 * @param n    input dimension (columns of W), &gt; 0
 */
public record TargetShape(String name, int m, int n) {
    public TargetShape {
        if (m <= 0 || n <= 0) {
            throw new LorankException("target " + name + ": shape " + m + "x" + n
                    + " is not positive; use MxN with M, N >= 1 (e.g. 384x384)");
        }
    }

    /** Largest LoRA rank that changes anything: min(m, n). */
    public int maxRank() {
        return Math.min(m, n);
    }

    /** Dimension of the manifold of rank-exactly-r m×n matrices: r(m+n) − r² (r ≤ min(m,n)). */
    public long manifoldDimension(int r) {
        int rr = Math.min(r, maxRank());
        return (long) rr * ((long) m + n) - (long) rr * rr; // m + n in long: 2·10⁹ + 2·10⁹ overflows an int
    }

    /** Parses {@code MxN[,MxN...]} (e.g. {@code 384x384,1536x384}); names each target by its shape. */
    public static List<TargetShape> parseList(String text) {
        if (text == null || text.isBlank()) {
            throw new LorankException("--shape: empty; expected MxN[,MxN...] such as 384x384,1536x384");
        }
        List<TargetShape> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            String[] mn = p.split("x");
            if (mn.length != 2) {
                throw new LorankException("--shape: '" + part + "' is not MxN; expected e.g. 384x384 (out x in)");
            }
            try {
                out.add(new TargetShape(p, Integer.parseInt(mn[0].trim()), Integer.parseInt(mn[1].trim())));
            } catch (NumberFormatException e) {
                throw new LorankException("--shape: '" + part + "' has a non-integer side; expected e.g. 384x384");
            }
        }
        return List.copyOf(out);
    }
}
