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

    /** Where the tensors come from (a file or a directory), for messages. */
    String describe();

    /** Closes open files; matrices handed out before may no longer be read. */
    @Override
    void close();
}
