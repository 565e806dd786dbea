package io.lorank.encoder;

import io.lorank.model.EncoderConfig;
import io.lorank.model.HiddenAct;
import io.lorank.model.HostTensor;

import java.util.Map;

/**
 * A plain-Java, fp64, loop-by-loop BERT/RoBERTa forward for tiny models: the independent reference for the DJL
 * blocks (written from the HF modeling code, sharing nothing with lorank's encoder). Exact GELU uses a 1.2e-7
 * accurate erf.
 */
public final class ReferenceBert {
    private final EncoderConfig c;
    private final Map<String, HostTensor> w;

    public ReferenceBert(EncoderConfig c, Map<String, HostTensor> w) {
        this.c = c;
        this.w = w;
    }

    /** One sequence (no padding): ids, types, positions [T] -> last hidden [T][d]. */
    public double[][] forward(long[] ids, long[] types, long[] pos) {
        int t = ids.length;
        int d = c.hiddenSize();
        double[][] h = new double[t][d];
        for (int i = 0; i < t; i++) {
            for (int k = 0; k < d; k++) {
                h[i][k] = get("embeddings.word_embeddings.weight", ids[i], k)
                        + get("embeddings.position_embeddings.weight", pos[i], k)
                        + get("embeddings.token_type_embeddings.weight", types[i], k);
            }
        }
        h = layerNorm(h, "embeddings.LayerNorm");
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "encoder.layer." + l + ".";
            double[][] q = linear(h, p + "attention.self.query");
            double[][] k = linear(h, p + "attention.self.key");
            double[][] v = linear(h, p + "attention.self.value");
            double[][] ctx = new double[t][d];
            int hs = c.headSize();
            for (int head = 0; head < c.numHeads(); head++) {
                for (int i = 0; i < t; i++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        for (int e = head * hs; e < (head + 1) * hs; e++) {
                            s[j] += q[i][e] * k[j][e];
                        }
                        s[j] /= Math.sqrt(hs);
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < t; j++) {
                        s[j] = Math.exp(s[j] - max);
                        z += s[j];
                    }
                    for (int j = 0; j < t; j++) {
                        for (int e = head * hs; e < (head + 1) * hs; e++) {
                            ctx[i][e] += s[j] / z * v[j][e];
                        }
                    }
                }
            }
            double[][] a = layerNorm(add(linear(ctx, p + "attention.output.dense"), h), p + "attention.output.LayerNorm");
            double[][] f = linear(a, p + "intermediate.dense");
            for (double[] row : f) {
                for (int e = 0; e < row.length; e++) {
                    row[e] = act(c.hiddenAct(), row[e]);
                }
            }
            h = layerNorm(add(linear(f, p + "output.dense"), a), p + "output.LayerNorm");
        }
        return h;
    }

    /** MLM logits [T][V] with the decoder tied to the word embeddings. */
    public double[][] mlm(double[][] h, String head, String transform, String norm, HiddenAct headAct) {
        double[][] z = linear(h, transform);
        for (double[] row : z) {
            for (int e = 0; e < row.length; e++) {
                row[e] = act(headAct, row[e]);
            }
        }
        z = layerNorm(z, norm);
        double[][] out = new double[h.length][c.vocabSize()];
        for (int i = 0; i < h.length; i++) {
            for (int vv = 0; vv < c.vocabSize(); vv++) {
                double s = get(head + ".bias", vv);
                for (int e = 0; e < c.hiddenSize(); e++) {
                    s += z[i][e] * get("embeddings.word_embeddings.weight", vv, e);
                }
                out[i][vv] = s;
            }
        }
        return out;
    }

    private static double act(HiddenAct a, double x) {
        return switch (a) {
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case RELU -> Math.max(0, x);
            case GELU -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
        };
    }

    /** erf via the Numerical Recipes Chebyshev fit of erfc (fractional error below 1.2e-7). */
    static double erf(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }

    private double[][] linear(double[][] x, String module) {
        HostTensor wt = w.get(module + ".weight");
        int out = (int) wt.shape()[0];
        int in = (int) wt.shape()[1];
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double s = get(module + ".bias", o);
                for (int e = 0; e < in; e++) {
                    s += wt.data()[o * in + e] * x[i][e];
                }
                y[i][o] = s;
            }
        }
        return y;
    }

    private double[][] layerNorm(double[][] x, String module) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            int d = x[i].length;
            double mean = 0;
            for (double v : x[i]) {
                mean += v / d;
            }
            double var = 0;
            for (double v : x[i]) {
                var += (v - mean) * (v - mean) / d;
            }
            y[i] = new double[d];
            for (int e = 0; e < d; e++) {
                y[i][e] = (x[i][e] - mean) / Math.sqrt(var + c.layerNormEps()) * get(module + ".weight", e)
                        + get(module + ".bias", e);
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int e = 0; e < a[i].length; e++) {
                y[i][e] = a[i][e] + b[i][e];
            }
        }
        return y;
    }

    private double get(String name, long... idx) {
        HostTensor t = w.get(name);
        long flat = 0;
        for (int i = 0; i < idx.length; i++) {
            flat = flat * t.shape()[i] + idx[i];
        }
        return t.data()[(int) flat];
    }
}
