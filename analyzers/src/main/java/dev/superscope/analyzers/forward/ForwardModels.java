package dev.superscope.analyzers.forward;

import dev.superscope.analyzers.forward.gpt2.Gpt2Forward;
import dev.superscope.analyzers.forward.gptneox.GptNeoxForward;
import dev.superscope.analyzers.forward.llama.LlamaForward;
import dev.superscope.analyzers.forward.opt.OptForward;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;

import java.util.List;
import java.util.Locale;

/** Picks the forward pass for a loaded model by its loader's name, else its config's {@code model_type}. */
public final class ForwardModels {
    /** The architectures with a forward pass, as loader names / model types. */
    public static final List<String> SUPPORTED = List.of("gpt2", "gpt_neox", "llama", "qwen2", "mistral", "opt");

    private ForwardModels() {
    }

    /**
     * The forward pass of {@code model}, its weights read into the engine in {@code precision}.
     *
     * @throws BadInputException when no forward pass exists for its architecture (naming the supported
     *                           ones) or its weights or config are unusable
     */
    public static ForwardModel forModel(LoadedModel model, Precision precision) {
        Checkpoint c = model.checkpoint();
        String key = key(model.loader());
        if (!SUPPORTED.contains(key)) {
            key = key(c.config().modelType());
        }
        return forKey(key, c, precision, model.architecture());
    }

    /** The forward pass for a checkpoint by its config's {@code model_type}. */
    public static ForwardModel forCheckpoint(Checkpoint checkpoint, Precision precision) {
        return forKey(key(checkpoint.config().modelType()), checkpoint, precision, checkpoint.config().architecture());
    }

    private static ForwardModel forKey(String key, Checkpoint c, Precision precision, String architecture) {
        switch (key) {
            case "gpt2":
                return new Gpt2Forward(c.config(), c.tensors(), precision);
            case "gpt_neox":
                return new GptNeoxForward(c.config(), c.tensors(), precision);
            case "llama":
            case "qwen2":
            case "mistral":
                return new LlamaForward(c.config(), c.tensors(), precision);
            case "opt":
                return new OptForward(c.config(), c.tensors(), precision);
            default:
                throw new BadInputException(c.config().source(), "no forward pass for architecture "
                        + (architecture == null || architecture.isEmpty() ? "(unknown)" : architecture)
                        + "; supported model types: " + String.join(", ", SUPPORTED));
        }
    }

    private static String key(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
