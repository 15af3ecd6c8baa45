package dev.superscope.backend.blas;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.ShortPointer;

/**
 * The symmetric products of the bf16 precision, on oneDNN's matmul, which has no syrk or trmm: the
 * m columns are cut into panels and only the products on or above the diagonal are formed, so a Gram
 * block or a block of quadratic forms costs (p + 1) / 2p of the full square for p panels.
 */
final class Bf16Products {
    /**
     * Panel width aimed at. Narrower panels skip more of the lower triangle but make smaller, less
     * efficient products. Measured with bench/jmh's KernelRates on Zen 4 (2 threads), true n m^2 GFLOP/s
     * of Gram / forms: at m = 8192, one panel 169 / 160, 1024 wide 296 / 252, 512 wide 308 / 291, 256
     * wide 240 / 262; at m = 768 (4096-row blocks), one panel 126 / 122, two (384 wide) 165 / 156, three
     * 153 / 132.
     */
    static final int PANEL_WIDTH = 512;

    private Bf16Products() {
    }

    /** Panels for {@code m} columns: about {@link #PANEL_WIDTH} wide, at least one. */
    static int panels(int m) {
        return Math.max(1, Math.round((float) m / PANEL_WIDTH));
    }

    /** First column of panel {@code p} of {@code panels} over {@code m} columns (p = panels gives m). */
    static int panelStart(int p, int panels, int m) {
        return (int) ((long) p * m / panels);
    }

    /**
     * The upper triangle (with the diagonal panels whole) of R^T R into the row-major m x m float32
     * {@code out}; below the diagonal panels {@code out} is left as it was.
     *
     * @param rows R, k x m row-major bfloat16
     */
    static void gramUpper(OneDnn dnn, ShortPointer rows, int k, int m, FloatPointer out) {
        int panels = panels(m);
        for (int i = 0; i < panels; i++) {
            int i0 = panelStart(i, panels, m);
            int wi = panelStart(i + 1, panels, m) - i0;
            for (int j = i; j < panels; j++) {
                int j0 = panelStart(j, panels, m);
                int wj = panelStart(j + 1, panels, m) - j0;
                // R[:, i-panel]^T (wi x k: R read with swapped strides) times R[:, j-panel] (k x wj).
                dnn.multiply(wi, k, wj, rows.getPointer(i0), 1, m, rows.getPointer(j0), m, 1,
                        out.getPointer((long) i0 * m + j0), m);
            }
        }
    }

    /**
     * R H for an upper-triangular m x m H (zero below its diagonal) into the row-major k x m float32
     * {@code out}: column panel j is R[:, 0 : end of j] H[0 : end of j, panel j], the rows of H below
     * are zero.
     */
    static void timesUpperTriangular(OneDnn dnn, ShortPointer rows, int k, int m, ShortPointer upper, FloatPointer out) {
        int panels = panels(m);
        for (int j = 0; j < panels; j++) {
            int j0 = panelStart(j, panels, m);
            int j1 = panelStart(j + 1, panels, m);
            dnn.multiply(k, j1, j1 - j0, rows, m, 1, upper.getPointer(j0), m, 1, out.getPointer(j0), m);
        }
    }
}
