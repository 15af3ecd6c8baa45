package dev.superscope.plugins.compute;

/**
 * A started compute backend. Everything it allocates belongs to a {@link ComputeScope}; closing the
 * backend closes every scope still open and frees the backend's own resources.
 */
public interface Backend extends AutoCloseable {

    /** The provider's name ({@code blas}, {@code torch}, ...). */
    String name();

    /** One line for logs: library and version, device, threads, kernel path. */
    String describe();

    /** The device it computes on (never {@link Device#AUTO}). */
    Device device();

    /** The arithmetic of its products. */
    ComputePrecision precision();

    /** A new root scope. */
    ComputeScope newScope();

    @Override
    void close();
}
