package dev.superscope.examples.bloom;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.architecture.Architecture;
import dev.superscope.plugins.TensorStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An example third-party loader for BLOOM checkpoints ({@code model_type} "bloom"), built against the
 * plugin API alone. BLOOM names its token embedding {@code word_embeddings.weight} ({@code BloomModel})
 * or {@code transformer.word_embeddings.weight} ({@code BloomForCausalLM}); its LM head is tied to that
 * embedding unless config.json says {@code "tie_word_embeddings": false}, and a stored
 * {@code lm_head.weight} is used when there is one. The hidden size is {@code hidden_size} (older
 * configs call it {@code n_embed}).
 */
public final class BloomArchitecture implements Architecture {
    private static final List<String> EMBEDDING_NAMES =
            List.of("transformer.word_embeddings.weight", "word_embeddings.weight");
    private static final String HEAD_NAME = "lm_head.weight";

    @Override
    public String name() {
        return "bloom";
    }

    @Override
    public String description() {
        return "BLOOM (model_type bloom): word_embeddings, LM head tied to it (example plugin)";
    }

    @Override
    public boolean accepts(ModelConfig config) {
        return config.modelType().equals("bloom") || config.architectures().contains("BloomForCausalLM")
                || config.architectures().contains("BloomModel");
    }

    @Override
    public LoadedModel load(Checkpoint checkpoint) {
        TensorStore tensors = checkpoint.tensors();
        ModelConfig config = checkpoint.config();
        List<String> warnings = new ArrayList<>();

        String embeddingName = EMBEDDING_NAMES.stream().filter(tensors::contains).findFirst()
                .orElseThrow(() -> new BadInputException(checkpoint.directory(), "holds no BLOOM embedding (tried "
                        + String.join(", ", EMBEDDING_NAMES) + " in " + tensors.describe() + ")"));
        Matrix embedding = tensors.matrix(embeddingName);
        boolean tied = config.bool("tie_word_embeddings").orElse(true);
        Matrix head;
        if (tensors.contains(HEAD_NAME)) {
            head = tensors.matrix(HEAD_NAME);
        } else if (tied) {
            head = embedding;
        } else {
            throw new BadInputException(checkpoint.directory(), "config.json unties the LM head but "
                    + tensors.describe() + " holds no " + HEAD_NAME);
        }

        OptionalInt configured = config.firstInteger("hidden_size", "n_embed");
        int hiddenSize = configured.orElse(embedding.cols());
        if (configured.isEmpty()) {
            warnings.add("config.json gives no hidden_size; using " + embeddingName + "'s width " + embedding.cols());
        }
        String architecture = Optional.of(config.architecture()).filter(a -> !a.isEmpty()).orElse("bloom");
        return new LoadedModel(checkpoint, name(), architecture, embedding, head, tied, hiddenSize,
                checkpoint.tokenizer().vocabSize(), warnings);
    }
}
