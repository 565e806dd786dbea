package io.lorank.entk;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import io.lorank.linearized.FactoredOperator;
import io.lorank.linearized.LowRankPoint;
import io.lorank.linearized.MeasurementOperator;
import org.ejml.data.DMatrixRMaj;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The factored measurement operator of {@link FactoredOperator} (G_ikl = D_iklᵀ X_il, never formed) on libtorch in
 * fp32, over {@link TorchFactors}: every method is a few (batched) GEMMs over the token axis instead of per-example
 * loops.
 *
 * <p>Identities (c̃ = c S, D̃_l = Σ_k c̃_k ∘ D_l[k] [ΣT, m]): 𝒜(ΔW)_ik = Σ_{t∈i} ⟨D_l[k, t], (X_l ΔWᵀ)[t]⟩;
 * 𝒜(BA)_ik = Σ_{t∈i} ⟨(D_l[k] B)[t], (X_l Aᵀ)[t]⟩; 𝒜*(c)_l = D̃_lᵀ X_l; gB = Σ_k D_l[k]ᵀ (c̃_k ∘ X_l Aᵀ) (one GEMM over
 * the flattened [K·ΣT, m], computed as (Wᵀ D_flat)ᵀ); gA = (Σ_k c̃_k ∘ D_l[k] B)ᵀ X_l.
 *
 * <p>Speed (see BENCHMARKS.md): a group of equal-shape targets at equal rank is one batched GEMM per product, as in
 * the PyTorch peer. {@link #at} keeps P = X Aᵀ and Q = D B of every group in the returned {@link LowRankPoint}, whose
 * gradients reuse them: a LoRA step reads X and D twice, not four times, in 2 + 2 batched GEMMs per group, with no
 * state in the operator.
 *
 * <p>Interface values stay double ({@link Fp32Arrays}; they are m × r or N × K). Native calls are serialised
 * (methods, and the points' gradients, synchronise on the operator): libtorch's intra-op threads do the parallel
 * work, and two Java threads each driving an OpenMP team would only fight over the cores. {@link #close()} frees
 * everything, the points' arrays included.
 */
public final class TorchFactoredOperator implements MeasurementOperator, AutoCloseable {
    private final TorchFactors f;
    private boolean closed;

    private TorchFactoredOperator(TorchFactors f) {
        this.f = f;
    }

    /** Copies the factors of a pure-Java factored operator to libtorch (fp32). */
    public static TorchFactoredOperator of(FactoredOperator factors) {
        return new TorchFactoredOperator(TorchFactors.of(factors));
    }

    /**
     * From stacked factors (e.g. extracted by the encoder): x[l] X_l [ΣT, n_l], d[l] D_l [K, ΣT, m_l], tokens[i] = T_i.
     * The arrays are copied (as fp32) into the operator's own manager; the caller keeps and closes its own.
     */
    public static TorchFactoredOperator of(int examples, int outputs, int[] tokens, NDArray[] x, NDArray[] d) {
        return new TorchFactoredOperator(TorchFactors.of(examples, outputs, tokens, x, d));
    }

    @Override public int examples() { return f.n; }
    @Override public int outputs() { return f.k; }
    @Override public int targets() { return f.rows.length; }
    @Override public int rows(int l) { return f.rows[l]; }
    @Override public int cols(int l) { return f.cols[l]; }

    /** 𝒜(ΔW): per target (D_l ∘ (X_l ΔWᵀ)) summed over m, then over each example's tokens. */
    @Override
    public synchronized double[] apply(DMatrixRMaj[] dW) {
        try (NDScope scope = new NDScope()) {
            NDArray acc = null;
            for (int l = 0; l < targets(); l++) {
                NDArray y = f.x[l].matMul(Fp32Arrays.create(f.manager, dW[l]).transpose()); // X ΔWᵀ [ΣT, m]
                NDArray s = f.d[l].mul(y).sum(new int[] {2});                                // [K, ΣT]
                acc = acc == null ? s : acc.addi(s);
            }
            return Fp32Arrays.toNk(acc.matMul(f.seg.transpose()), f.n, f.k);                  // [K, N]
        }
    }

    @Override
    public synchronized double[] applyLowRank(DMatrixRMaj[] b, DMatrixRMaj[] a, int[] subset) {
        if (subset != null) {
            try (NDScope scope = new NDScope()) {
                return applySubset(b, a, subset);
            }
        }
        try (LowRankPoint p = at(b, a)) {
            return p.outputs();
        }
    }

    /** Only the tokens of the subset's examples are gathered and multiplied; other rows are 0. */
    private double[] applySubset(DMatrixRMaj[] b, DMatrixRMaj[] a, int[] subset) {
        int n = f.n;
        int k = f.k;
        double[] out = new double[n * k];
        if (subset.length == 0) {
            return out;
        }
        NDArray acc = null;
        for (int l = 0; l < targets(); l++) {
            NDArray xs = gather(f.x[l], 0, subset);
            NDArray ds = gather(f.d[l], 1, subset);
            NDArray p = xs.matMul(Fp32Arrays.create(f.manager, a[l]).transpose());
            NDArray s = ds.matMul(Fp32Arrays.create(f.manager, b[l])).mul(p).sum(new int[] {2}); // [K, ΣT_subset]
            acc = acc == null ? s : acc.addi(s);
        }
        double[] tok = Fp32Arrays.toDouble(acc);                                                // [K, ΣT_subset]
        int total = tok.length / k;
        int t0 = 0;
        for (int i : subset) {
            int ti = f.start[i + 1] - f.start[i];
            for (int kk = 0; kk < k; kk++) {
                double v = 0;
                for (int t = 0; t < ti; t++) {
                    v += tok[kk * total + t0 + t];
                }
                out[i * k + kk] = v;
            }
            t0 += ti;
        }
        return out;
    }

    private NDArray gather(NDArray arr, int axis, int[] subset) {
        NDArray[] parts = new NDArray[subset.length];
        for (int s = 0; s < subset.length; s++) {
            int i = subset[s];
            String range = f.start[i] + ":" + f.start[i + 1];
            parts[s] = arr.get(new NDIndex(axis == 0 ? range : ":, " + range));
        }
        return parts.length == 1 ? parts[0] : NDArrays.concat(new ai.djl.ndarray.NDList(parts), axis);
    }

    /** D̃_l = Σ_k c̃_k ∘ D_l[k], [ΣT, m]. */
    private NDArray combined(int l, double[] c) {
        return f.d[l].mul(f.tokenWeights(c).expandDims(2)).sum(new int[] {0});
    }

    @Override
    public synchronized DMatrixRMaj adjoint(int l, double[] c) {
        try (NDScope scope = new NDScope()) {
            return Fp32Arrays.toMatrix(combined(l, c).transpose().matMul(f.x[l]), f.rows[l], f.cols[l]);
        }
    }

    @Override
    public synchronized DMatrixRMaj adjointTimes(int l, double[] c, DMatrixRMaj v) {
        try (NDScope scope = new NDScope()) {
            NDArray xv = f.x[l].matMul(Fp32Arrays.create(f.manager, v));                // [ΣT, p]
            return Fp32Arrays.toMatrix(combined(l, c).transpose().matMul(xv), f.rows[l], v.numCols);
        }
    }

    @Override
    public synchronized DMatrixRMaj adjointTransposeTimes(int l, double[] c, DMatrixRMaj u) {
        try (NDScope scope = new NDScope()) {
            NDArray du = combined(l, c).matMul(Fp32Arrays.create(f.manager, u));        // [ΣT, p]
            return Fp32Arrays.toMatrix(f.x[l].transpose().matMul(du), f.cols[l], u.numCols);
        }
    }

    /**
     * Targets whose products are batched together: a group of equal (m, n) at equal rank, or one target (stacks of
     * one). p = X Aᵀ [L, ΣT, r], q = D B [L, K, ΣT, r].
     */
    private record Block(int[] targets, int group, int rank, NDArray p, NDArray q) {
    }

    /** [L, ΣT, n] and [L, K, ΣT, m] of a block: its group's stacks, or views of one target (in the current scope). */
    private NDArray blockX(Block blk) {
        return blk.group() >= 0 ? f.groupX[blk.group()] : f.x[blk.targets()[0]].expandDims(0);
    }

    private NDArray blockD(Block blk) {
        return blk.group() >= 0 ? f.groupD[blk.group()] : f.d[blk.targets()[0]].expandDims(0);
    }

    /** The blocks of (B, A) with their products, in the current scope. */
    private List<Block> blocks(DMatrixRMaj[] b, DMatrixRMaj[] a, int[] only) {
        List<Block> out = new ArrayList<>();
        for (int g = 0; g < f.members.length; g++) {
            int[] mem = only != null ? Arrays.stream(f.members[g]).filter(l -> Arrays.stream(only).anyMatch(o -> o == l)).toArray()
                    : f.members[g];
            if (mem.length == 0) {
                continue;
            }
            int r = a[mem[0]].numRows;
            boolean batched = mem.length == f.members[g].length && mem.length > 1 && Arrays.stream(mem).allMatch(l -> a[l].numRows == r);
            int[][] parts = batched ? new int[][] {mem} : Arrays.stream(mem).mapToObj(l -> new int[] {l}).toArray(int[][]::new);
            for (int[] part : parts) {
                Block shell = new Block(part, batched ? g : -1, a[part[0]].numRows, null, null);
                int len = part.length;
                int total = f.totalTokens();
                NDArray at = Fp32Arrays.stack(f.manager, a, part).transpose(0, 2, 1);      // Aᵀ [L, n, r]
                NDArray p = blockX(shell).batchMatMul(at);                                  // X Aᵀ [L, ΣT, r]
                NDArray q = blockD(shell).reshape(len, (long) f.k * total, f.rows[part[0]])
                        .batchMatMul(Fp32Arrays.stack(f.manager, b, part))
                        .reshape(len, f.k, total, shell.rank());                           // D B  [L, K, ΣT, r]
                out.add(new Block(part, shell.group(), shell.rank(), p, q));
            }
        }
        return out;
    }

    /** gB[l], gA[l] of a block's targets at coefficient weights w = c̃ [K, ΣT, 1] (in the current scope). */
    private void blockGradients(Block blk, NDArray w, DMatrixRMaj[] gB, DMatrixRMaj[] gA) {
        int len = blk.targets().length;
        int r = blk.rank();
        int m = f.rows[blk.targets()[0]];
        int nn = f.cols[blk.targets()[0]];
        NDArray pw = blk.p().expandDims(1).mul(w).reshape(len, -1, r);                     // [L, K·ΣT, r]
        // gBᵀ = pwᵀ D_flat [r, m]: the long axis as the GEMM's inner dimension with a thin left operand ran ~2x
        // faster than D_flatᵀ pw [m, r] here (MKL, 2 cores: 4 vs 8 ms over 12 targets of 384²)
        float[] fb = pw.transpose(0, 2, 1).batchMatMul(blockD(blk).reshape(len, -1, m)).toFloatArray(); // [L, r, m]
        NDArray qc = blk.q().mul(w).sum(new int[] {1});                                     // [L, ΣT, r]
        float[] fa = qc.transpose(0, 2, 1).batchMatMul(blockX(blk)).toFloatArray();        // [L, r, n]
        for (int j = 0; j < len; j++) {
            int l = blk.targets()[j];
            gB[l].reshape(m, r);
            for (int i = 0; i < r; i++) {
                for (int q = 0; q < m; q++) {
                    gB[l].data[q * r + i] = fb[(j * r + i) * m + q];
                }
            }
            gA[l].reshape(r, nn);
            for (int q = 0; q < r * nn; q++) {
                gA[l].data[q] = fa[j * r * nn + q];
            }
        }
    }

    /** The outputs at (B, A), every block's P and Q kept (in a sub-manager the point closes) for its gradients. */
    @Override
    public synchronized LowRankPoint at(DMatrixRMaj[] b, DMatrixRMaj[] a) {
        NDManager held = f.manager.newSubManager();
        List<Block> blocks;
        double[] z;
        try (NDScope scope = new NDScope()) {
            blocks = blocks(b, a, null);
            NDArray acc = null;
            for (Block blk : blocks) {
                NDArray s = blk.q().mul(blk.p().expandDims(1)).sum(new int[] {0, 3});      // [K, ΣT]
                acc = acc == null ? s : acc.addi(s);
                NDScope.unregister(blk.p(), blk.q());
                blk.p().attach(held);
                blk.q().attach(held);
            }
            z = Fp32Arrays.toNk(acc.matMul(f.seg.transpose()), f.n, f.k);
        }
        return new LowRankPoint() {
            @Override
            public double[] outputs() {
                return z.clone();
            }

            @Override
            public void gradients(double[] c, DMatrixRMaj[] gB, DMatrixRMaj[] gA) {
                synchronized (TorchFactoredOperator.this) {
                    try (NDScope scope = new NDScope()) {
                        NDArray w = f.tokenWeights(c).expandDims(2);                        // [K, ΣT, 1]
                        for (Block blk : blocks) {
                            blockGradients(blk, w, gB, gA);
                        }
                    }
                }
            }

            @Override
            public void close() {
                synchronized (TorchFactoredOperator.this) {
                    held.close();
                }
            }
        };
    }

    @Override
    public synchronized void adjointLowRank(int l, double[] c, DMatrixRMaj b, DMatrixRMaj a, DMatrixRMaj gB, DMatrixRMaj gA) {
        int nt = targets();
        DMatrixRMaj[] bs = new DMatrixRMaj[nt];
        DMatrixRMaj[] as = new DMatrixRMaj[nt];
        DMatrixRMaj[] gBs = new DMatrixRMaj[nt];
        DMatrixRMaj[] gAs = new DMatrixRMaj[nt];
        bs[l] = b;
        as[l] = a;
        gBs[l] = gB;
        gAs[l] = gA;
        try (NDScope scope = new NDScope()) {
            NDArray w = f.tokenWeights(c).expandDims(2);
            for (Block blk : blocks(bs, as, new int[] {l})) {
                blockGradients(blk, w, gBs, gAs);
            }
        }
    }

    /** All targets' LoRA gradients, batched by group: the products and the gradients in one point. */
    @Override
    public synchronized void adjointLowRankAll(double[] c, DMatrixRMaj[] b, DMatrixRMaj[] a, DMatrixRMaj[] gB, DMatrixRMaj[] gA) {
        try (LowRankPoint p = at(b, a)) {
            p.gradients(c, gB, gA);
        }
    }

    /** X and D in fp32 (the segment matrix is not counted). */
    @Override
    public long storedBytes() {
        return f.storedBytes();
    }

    /** Native arrays the operator's manager holds now (stacks, views, segment matrix, live points); for leak tests. */
    synchronized int liveArrays() {
        return f.manager.getManagedArrays().size();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            f.close();
        }
    }
}
