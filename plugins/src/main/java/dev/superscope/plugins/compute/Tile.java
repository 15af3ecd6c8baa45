package dev.superscope.plugins.compute;

import java.nio.FloatBuffer;

/**
 * A reusable buffer for tiles of row products, C = A B^T, which the pairwise analyzers read in Java.
 */
public interface Tile {

    /**
     * Computes C = A B^T (a.rows() x b.rows(), row-major float32) and returns it, readable from position
     * 0 until the next call on this tile or until its scope closes. {@code a} and {@code b} may be the same
     * block (a diagonal tile; backends may use the symmetry). Sizes must fit the tile.
     */
    FloatBuffer multiply(DeviceRows a, DeviceRows b);
}
