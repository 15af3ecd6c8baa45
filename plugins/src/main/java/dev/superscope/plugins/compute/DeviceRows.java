package dev.superscope.plugins.compute;

/**
 * A row block as a backend holds it (see {@link ComputeScope#rows}); valid until its scope closes.
 * Opaque: only the scope tree that made it can compute with it.
 */
public interface DeviceRows {

    /** Rows in the block. */
    int rows();

    /** Values per row. */
    int cols();
}
