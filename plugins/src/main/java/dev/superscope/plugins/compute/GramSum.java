package dev.superscope.plugins.compute;

/**
 * G = sum over added blocks of R^T R, an m x m symmetric matrix. Each block's product is formed in the
 * backend's precision (float32 by default) and the blocks are summed in float64, so the sum over a head
 * of any length loses no more than one block's float32 rounding.
 */
public interface GramSum {

    /** m, the width of the rows. */
    int cols();

    /** Adds R^T R for the rows of {@code block} (which must have {@link #cols()} columns). */
    void add(DeviceRows block);

    /** Rows added so far. */
    long rows();

    /** ||G||_F^2 = sum_{a,b} G_ab^2, in float64. */
    double frobeniusSquared();

    /**
     * r_i^T G r_i for every row r_i of {@code block}, with G as summed so far (add every block first: the
     * backend may factor G once, at the first call). Accurate to float32 products, about 1e-7 relative.
     */
    double[] quadraticForms(DeviceRows block);

    /** G in float64, row-major m x m (both triangles); for tests and small m. */
    double[] toArray();
}
