package dev.superscope.pipeline.tensor;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorNames;
import dev.superscope.plugins.TensorStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * {@code --tensor NAME}: one 2-D tensor of any checkpoint, file or directory analysed as a vocabulary
 * matrix (rows = vocabulary entries), with no architecture and no config.json needed. The tensor is both
 * the embedding and the unembedding of the {@link LoadedModel} (one tensor, measured once), whose loader
 * is {@value #LOADER}; {@code transpose} reads a tensor stored m x n as n x m without copying it
 * ({@link Matrices#transposed}).
 *
 * <p>Refusals are one line naming the store: an absent name lists up to five similar stored names
 * ({@link TensorNames}), a tensor that is not 2-D gives its shape, an element type that cannot be analysed
 * names the ones that can.
 */
public final class NamedTensor {
    /** The loader column of a tensor analysed by name. */
    public static final String LOADER = "tensor";

    private NamedTensor() {
    }

    /**
     * The tensor {@code name} of {@code checkpoint} as a model whose two matrices are that tensor.
     *
     * @throws BadInputException when the tensor is absent, not 2-D, or of a dtype that cannot be analysed
     */
    public static LoadedModel load(Checkpoint checkpoint, String name, boolean transpose) {
        TensorStore store = checkpoint.tensors();
        TensorInfo info = store.find(name).orElseThrow(() -> new BadInputException(null,
                store.describe() + ": " + TensorNames.absent(name, store)));
        String tensor = "tensor " + TensorNames.quote(name);
        if (info.rank() != 2) {
            throw new BadInputException(null, info.source() + ": " + tensor + " has shape " + info.shapeString()
                    + " (" + info.rank() + "-D); --tensor needs a 2-D matrix whose rows are vocabulary entries");
        }
        if (!info.dtype().isDecodable()) {
            throw new BadInputException(null, info.source() + ": " + tensor + " has dtype " + info.dtype()
                    + ", which cannot be analysed; supported dtypes: " + Arrays.stream(DType.values())
                    .filter(DType::isDecodable).map(Enum::name).collect(Collectors.joining(", ")));
        }
        Matrix stored = store.matrix(name);
        Matrix matrix = transpose ? Matrices.transposed(stored) : stored;
        List<String> warnings = new ArrayList<>();
        if (transpose) {
            warnings.add(name + " is read transposed: its " + stored.cols() + " columns are the rows analysed");
        }
        OptionalInt vocab = checkpoint.tokenizer().vocabSize();
        if (vocab.isPresent() && vocab.getAsInt() != matrix.rows()) {
            boolean otherWay = !transpose && vocab.getAsInt() == matrix.cols();
            warnings.add("the tokenizer defines " + vocab.getAsInt() + " token ids but " + name + " has "
                    + matrix.rows() + " rows" + (otherWay ? "; its columns match the vocabulary: try --transpose" : ""));
        }
        return new LoadedModel(checkpoint, LOADER, checkpoint.config().architecture(), matrix, matrix, true,
                matrix.cols(), vocab, warnings);
    }
}
