package dev.superscope.backend.torch.forward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding in transformers' {@code rotate_half} layout (not interleaved): the first
 * {@code dims} channels of each head are rotated, channel i paired with channel i + dims/2, at angle
 * {@code position * base^(-2i/dims)}; the remaining channels pass through (GPT-NeoX's partial rotary).
 *
 * @param dims          rotated channels per head (even)
 * @param base          {@code rope_theta} / {@code rotary_emb_base}
 * @param positionScale positions are divided by this ({@code rope_scaling} of type linear; else 1)
 */
public record Rotary(int dims, double base, double positionScale) {

    public Rotary {
        if (dims < 0 || dims % 2 != 0) {
            throw new IllegalArgumentException("rotary dimensions must be even and non-negative: " + dims);
        }
    }

    /** Inverse frequencies {@code base^(-2i/dims)}, i = 0 .. dims/2-1. */
    public double[] inverseFrequencies() {
        double[] f = new double[dims / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = 1.0 / Math.pow(base, (2.0 * i) / dims);
        }
        return f;
    }

    /** {@code cos} and {@code sin} of the angles for positions 0 .. length-1, each {@code [length, dims]}. */
    public NDArray[] tables(NDManager manager, int length, DataType type) {
        double[] inv = inverseFrequencies();
        double[] cos = new double[length * dims];
        double[] sin = new double[length * dims];
        int half = dims / 2;
        for (int t = 0; t < length; t++) {
            for (int i = 0; i < half; i++) {
                double angle = (t / positionScale) * inv[i];
                cos[t * dims + i] = cos[t * dims + i + half] = Math.cos(angle);
                sin[t * dims + i] = sin[t * dims + i + half] = Math.sin(angle);
            }
        }
        Shape shape = new Shape(length, dims);
        return new NDArray[] {manager.create(cos, shape).toType(type, false),
                manager.create(sin, shape).toType(type, false)};
    }

    /**
     * {@code x * cos + rotate_half(x) * sin} on the first {@link #dims} channels of {@code x}
     * ({@code [heads, T, headDim]}), the rest unchanged.
     */
    public NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        if (dims == 0) {
            return x;
        }
        long headDim = x.getShape().get(2);
        NDArray rot = Layers.lastAxis(x, 0, dims);
        NDArray rotated = rot.mul(cos).add(rotateHalf(rot).mul(sin));
        return dims == headDim ? rotated : rotated.concat(Layers.lastAxis(x, dims, headDim), -1);
    }

    /** {@code [-x2, x1]} for {@code x = [x1, x2]} split in halves along the last axis. */
    public static NDArray rotateHalf(NDArray x) {
        long d = x.getShape().get(x.getShape().dimension() - 1);
        NDArray x1 = Layers.lastAxis(x, 0, d / 2);
        NDArray x2 = Layers.lastAxis(x, d / 2, d);
        return x2.neg().concat(x1, -1);
    }
}
