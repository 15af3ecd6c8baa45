package dev.superscope.plugins;

import java.util.List;
import java.util.Optional;

/**
 * The tensors of one checkpoint, whatever the format and however many shard files hold them.
 * Opening a store validates its headers; reading a tensor maps only that tensor's bytes.
 */
public interface TensorStore extends AutoCloseable {

    /** Every tensor, in a stable order (sorted by name). */
    List<TensorInfo> tensors();

    /**
     * Every tensor's name, sorted; for suggestions when a name is not found. The default lists
     * {@link #tensors()}; a store that knows its names more cheaply (a shard index) overrides it.
     */
    default List<String> names() {
        return tensors().stream().map(TensorInfo::name).toList();
    }

    /** The tensor called {@code name}, if present. */
    Optional<TensorInfo> find(String name);

    /** True when a tensor called {@code name} is present. */
    default boolean contains(String name) {
        return find(name).isPresent();
    }

    /**
     * A row-block view of the 2-D tensor {@code name}.
     *
     * @throws BadInputException when it is absent, not 2-D, or its storage is unusable
     */
    Matrix matrix(String name);

    /**
     * Any tensor as rows, for the weights a forward pass reads (biases, norms, fused projections): a
     * 1-D tensor as 1 x n, an N-D tensor as {@code shape[0]} x (product of the other dimensions), a 2-D
     * tensor as {@link #matrix} serves it. The default implementation serves 2-D tensors through
     * {@link #matrix} and refuses every other rank; stores that can read any tensor override it.
     *
     * @throws BadInputException when it is absent, a scalar, or this store cannot view it
     */
    default Matrix view(String name) {
        TensorInfo info = find(name).orElseThrow(() -> new BadInputException(null,
                describe() + ": " + TensorNames.absent(name, this)));
        if (info.rank() == 2) {
            return matrix(name);
        }
        throw new BadInputException(null, describe() + ": tensor \"" + name + "\" has shape "
                + info.shapeString() + ", which this store can only read as a 2-D matrix");
    }

    /** Where the tensors come from (a file or a directory), for messages. */
    String describe();

    /** Closes open files; matrices handed out before may no longer be read. */
    @Override
    void close();
}
