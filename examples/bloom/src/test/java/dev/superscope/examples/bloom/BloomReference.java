package dev.superscope.examples.bloom;

/**
 * An independent BLOOM decoder in plain Java float64 arrays, written from transformers'
 * {@code modeling_bloom.py} (each step names the function it follows) and sharing nothing with
 * {@link BloomForward} but the weights: no engine, no toolkit, its own ALiBi slopes.
 */
public final class BloomReference {
    private final TinyBloom.Spec spec;
    private final TinyBloom.Weights w;
    private final double eps;
    private boolean alibi = true;
    private boolean float32Softmax;

    private BloomReference(TinyBloom.Spec spec, TinyBloom.Weights weights) {
        this.spec = spec;
        this.w = weights;
        this.eps = spec.eps() == null ? 1e-5 : spec.eps();
    }

    /** {@code BloomForCausalLM(input_ids).logits}: one row per position, one value per vocabulary row. */
    public static double[][] logits(TinyBloom.Spec spec, TinyBloom.Weights weights, long[] ids) {
        return new BloomReference(spec, weights).run(ids);
    }

    /** The logits with {@code build_alibi_tensor} returning zeros: how much ALiBi matters. */
    static double[][] logitsWithoutAlibi(TinyBloom.Spec spec, TinyBloom.Weights weights, long[] ids) {
        BloomReference r = new BloomReference(spec, weights);
        r.alibi = false;
        return r.run(ids);
    }

    /**
     * The logits with the attention softmax taken in float32, as transformers'
     * {@code F.softmax(..., dtype=torch.float32)} takes it even in a float64 model (up to the order of
     * torch's float32 sums).
     */
    static double[][] logitsWithFloat32Softmax(TinyBloom.Spec spec, TinyBloom.Weights weights, long[] ids) {
        BloomReference r = new BloomReference(spec, weights);
        r.float32Softmax = true;
        return r.run(ids);
    }

    /** BloomModel.forward, then lm_head. */
    private double[][] run(long[] ids) {
        double[][] h = new double[ids.length][];
        for (int t = 0; t < ids.length; t++) {
            h[t] = w.embeddings()[(int) ids[t]].clone();
        }
        h = layerNorm(h, w.embeddingNormW(), w.embeddingNormB());
        double[][] alibi = buildAlibiTensor(spec.heads(), ids.length);
        for (TinyBloom.Block b : w.blocks()) {
            h = block(b, h, alibi);
        }
        h = layerNorm(h, w.finalNormW(), w.finalNormB());
        double[][] head = spec.tied() ? w.embeddings() : w.storedHead();
        return linear(h, head, null);
    }

    /** BloomBlock.forward. */
    private double[][] block(TinyBloom.Block b, double[][] hidden, double[][] alibi) {
        double[][] layernormOutput = layerNorm(hidden, b.inputNormW(), b.inputNormB());
        double[][] residual = spec.residualAfterNorm() ? layernormOutput : hidden;
        double[][] attentionOutput = add(attention(b, layernormOutput, alibi), residual);
        layernormOutput = layerNorm(attentionOutput, b.postNormW(), b.postNormB());
        residual = spec.residualAfterNorm() ? layernormOutput : attentionOutput;
        double[][] intermediate = bloomGelu(linear(layernormOutput, b.upW(), b.upB()));
        return add(outputProjection(intermediate, b.downW(), b.downB()), residual);
    }

    /**
     * BloomAttention.forward without the residual: _reshape views the fused projection as
     * (T, n_head, 3, head_dim); scores = alibi + q.k * inv_norm_factor (baddbmm, beta 1), causal mask,
     * softmax, probabilities times v, _merge_heads, dense.
     */
    private double[][] attention(TinyBloom.Block b, double[][] x, double[][] alibi) {
        int heads = spec.heads();
        int d = spec.headDim();
        int len = x.length;
        double[][] fused = linear(x, b.qkvW(), b.qkvB());
        double invNormFactor = 1.0 / Math.sqrt(d);
        double[][] context = new double[len][heads * d];
        for (int n = 0; n < heads; n++) {
            int q = n * 3 * d;
            int k = q + d;
            int v = q + 2 * d;
            for (int i = 0; i < len; i++) {
                double[] score = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) { // keys after i are masked out
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += fused[i][q + c] * fused[j][k + c];
                    }
                    score[j] = alibi[n][j] + dot * invNormFactor;
                    max = Math.max(max, score[j]);
                }
                double[] probs = float32Softmax ? softmaxInFloat32(score) : softmax(score, max);
                for (int j = 0; j <= i; j++) {
                    double p = probs[j];
                    for (int c = 0; c < d; c++) {
                        context[i][n * d + c] += p * fused[j][v + c];
                    }
                }
            }
        }
        return outputProjection(context, b.denseW(), b.denseB());
    }

    private static double[] softmax(double[] score, double max) {
        double[] p = new double[score.length];
        double total = 0;
        for (int j = 0; j < score.length; j++) {
            p[j] = Math.exp(score[j] - max);
            total += p[j];
        }
        for (int j = 0; j < score.length; j++) {
            p[j] /= total;
        }
        return p;
    }

    /** F.softmax(scores, dtype=torch.float32): the scores cast to float32, every step in float32. */
    private static double[] softmaxInFloat32(double[] score) {
        float[] s = new float[score.length];
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < score.length; j++) {
            s[j] = (float) score[j];
            max = Math.max(max, s[j]);
        }
        float total = 0;
        for (int j = 0; j < s.length; j++) {
            s[j] = (float) Math.exp(s[j] - max);
            total += s[j];
        }
        double[] p = new double[s.length];
        for (int j = 0; j < s.length; j++) {
            p[j] = s[j] / total;
        }
        return p;
    }

    /**
     * {@code dense} / {@code dense_4h_to_h}: nn.Linear, or with pretraining_tp > 1 and slow_but_exact the
     * sum of F.linear over pretraining_tp input slices [int(i * s), int((i + 1) * s)), s = in / tp, with
     * no bias.
     */
    private double[][] outputProjection(double[][] x, double[][] weight, double[] bias) {
        if (!(spec.pretrainingTp() > 1 && spec.slowButExact())) {
            return linear(x, weight, bias);
        }
        double slices = (double) weight[0].length / spec.pretrainingTp();
        double[][] out = new double[x.length][weight.length];
        for (int i = 0; i < spec.pretrainingTp(); i++) {
            int from = (int) (i * slices);
            int to = (int) ((i + 1) * slices);
            for (int t = 0; t < x.length; t++) {
                for (int o = 0; o < weight.length; o++) {
                    double s = 0;
                    for (int c = from; c < to; c++) {
                        s += x[t][c] * weight[o][c];
                    }
                    out[t][o] += s;
                }
            }
        }
        return out;
    }

    /**
     * build_alibi_tensor for an unpadded sequence: per head, slope * key position ((cumsum(mask) - 1) * mask),
     * the product in float32 as transformers makes it; [heads][T], zeros when ALiBi is switched off.
     */
    private double[][] buildAlibiTensor(int heads, int length) {
        float[] slopes = slopes(heads);
        double[][] alibi = new double[heads][length];
        for (int n = 0; n < heads && this.alibi; n++) {
            for (int j = 0; j < length; j++) {
                alibi[n][j] = slopes[n] * (float) j;
            }
        }
        return alibi;
    }

    /** build_alibi_tensor's slopes, in float32 as torch.pow of a float32 base makes them. */
    static float[] slopes(int heads) {
        int closestPowerOf2 = 1;
        int log2 = 0;
        while (closestPowerOf2 * 2 <= heads) {
            closestPowerOf2 *= 2;
            log2++;
        }
        float base = (float) Math.pow(2, -Math.pow(2, -(log2 - 3.0)));
        float[] slopes = new float[heads];
        for (int power = 1; power <= closestPowerOf2; power++) {
            slopes[power - 1] = (float) Math.pow(base, power);
        }
        if (closestPowerOf2 != heads) {
            // math.log2(2 * closest_power_of_2) = log2 + 1
            float extraBase = (float) Math.pow(2, -Math.pow(2, -(log2 + 1 - 3.0)));
            int remaining = Math.min(closestPowerOf2, heads - closestPowerOf2);
            for (int i = 0, power = 1; i < remaining; i++, power += 2) {
                slopes[closestPowerOf2 + i] = (float) Math.pow(extraBase, power);
            }
        }
        return slopes;
    }

    /** bloom_gelu_forward: x * 0.5 * (1.0 + tanh(0.79788456 * x * (1 + 0.044715 * x * x))). */
    private static double[][] bloomGelu(double[][] x) {
        double[][] y = new double[x.length][x[0].length];
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < x[t].length; i++) {
                double v = x[t][i];
                y[t][i] = v * 0.5 * (1.0 + Math.tanh(0.79788456 * v * (1 + 0.044715 * v * v)));
            }
        }
        return y;
    }

    /** nn.LayerNorm with the biased variance. */
    private double[][] layerNorm(double[][] x, double[] weight, double[] bias) {
        double[][] y = new double[x.length][x[0].length];
        for (int t = 0; t < x.length; t++) {
            int n = x[t].length;
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= n;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= n;
            for (int i = 0; i < n; i++) {
                y[t][i] = (x[t][i] - mean) / Math.sqrt(var + eps) * weight[i] + bias[i];
            }
        }
        return y;
    }

    /** nn.Linear: x W^T + b, W [out, in]; b may be null. */
    private static double[][] linear(double[][] x, double[][] weight, double[] bias) {
        double[][] y = new double[x.length][weight.length];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < weight.length; o++) {
                double s = 0;
                for (int i = 0; i < weight[o].length; i++) {
                    s += x[t][i] * weight[o][i];
                }
                y[t][o] = bias == null ? s : s + bias[o];
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int t = 0; t < a.length; t++) {
            for (int i = 0; i < a[t].length; i++) {
                y[t][i] = a[t][i] + b[t][i];
            }
        }
        return y;
    }
}
