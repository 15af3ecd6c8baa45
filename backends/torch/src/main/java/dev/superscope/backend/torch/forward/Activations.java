package dev.superscope.backend.torch.forward;

import ai.djl.ndarray.NDArray;
import dev.superscope.plugins.BadInputException;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/** transformers' activation functions ({@code ACT2FN}) by their config names. */
public final class Activations {
    /** The names {@link #of} accepts. */
    public static final List<String> NAMES = List.of("gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast",
            "quick_gelu", "relu", "silu", "swish", "tanh");

    private Activations() {
    }

    /**
     * The activation called {@code name} in a config.
     *
     * @throws BadInputException naming {@code config} when transformers' name is not one of {@link #NAMES}
     */
    public static UnaryOperator<NDArray> of(String name, Path config) {
        switch (name) {
            case "gelu":
                return Activations::gelu;
            case "gelu_new":
            case "gelu_pytorch_tanh":
            case "gelu_fast":
                return Activations::geluTanh;
            case "quick_gelu":
                return x -> x.mul(sigmoid(x.mul(1.702)));
            case "relu":
                return x -> x.maximum(0);
            case "silu":
            case "swish":
                return Activations::silu;
            case "tanh":
                return NDArray::tanh;
            default:
                throw new BadInputException(config, "activation \"" + name + "\" is not supported for forward "
                        + "passes; supported: " + String.join(", ", NAMES));
        }
    }

    /** Exact GELU: {@code x/2 * (1 + erf(x / sqrt 2))}. */
    public static NDArray gelu(NDArray x) {
        return x.mul(0.5).mul(x.div(Math.sqrt(2)).erf().add(1));
    }

    /** The tanh approximation: {@code x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
    public static NDArray geluTanh(NDArray x) {
        NDArray inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
        return x.mul(0.5).mul(inner.tanh().add(1));
    }

    /** {@code x * sigmoid(x)}. */
    public static NDArray silu(NDArray x) {
        return x.mul(sigmoid(x));
    }

    /** {@code 1 / (1 + exp(-x))}, written as {@code (1 + tanh(x/2)) / 2} so that it never overflows. */
    public static NDArray sigmoid(NDArray x) {
        return x.mul(0.5).tanh().add(1).mul(0.5);
    }
}
