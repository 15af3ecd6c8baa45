package dev.superscope.bench;

import dev.superscope.plugins.Matrix;
import dev.superscope.testing.BruteForce;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs every {@link BlasKernelsBench} method once, directly, on a small mapped head (three 128-row blocks,
 * the last one short; two 100-row tiles) and checks what each computed against float64 brute force over
 * the same file.
 */
class BlasKernelsBenchTest {
    private static final int ROWS = 300;
    private static final int COLS = 40;
    private static final int TILE = 100;

    @Test
    void everyKernelComputesWhatItSays() throws Exception {
        BlasKernelsBench bench = new BlasKernelsBench();
        bench.rows = ROWS;
        bench.cols = COLS;
        bench.blockRows = 128;
        bench.tileRows = TILE;
        bench.openHead();
        try {
            Matrix matrix = bench.freshMatrix();
            float[] w = matrix.rowsAsFloats(0, ROWS);
            assertEquals(3, bench.blocks().size());
            double[] g = BruteForce.gram(w, ROWS, COLS);
            double fp = BruteForce.sumOfSquares(g);
            assertEquals(fp, bench.gram(), 1e-6 * fp, "||G||_F^2");
            // The benchmark's sum keeps growing: after a second call it holds every row twice.
            assertEquals(4 * fp, bench.gram(), 4e-6 * fp, "||2G||_F^2");

            double total = 0;
            for (double q : BruteForce.quadraticForms(g, COLS, w, ROWS)) {
                total += q;
            }
            assertEquals(total, bench.quadraticForms(), 1e-6 * total, "sum of r^T G r");

            float[] a = BruteForce.rows(w, COLS, 0, TILE);
            float[] b = BruteForce.rows(w, COLS, TILE, TILE);
            double[] ab = BruteForce.product(a, TILE, b, TILE, COLS);
            double[] aa = BruteForce.product(a, TILE, a, TILE, COLS);
            double scale = 0.02 * 0.02 * COLS;
            assertEquals(ab[TILE * TILE - 1], bench.tile(), 1e-5 * scale, "last entry of A B^T");
            assertEquals(aa[TILE * TILE - 1], bench.diagonalTile(), 1e-5 * scale, "last entry of A A^T");
        } finally {
            bench.closeHead();
        }
        assertEquals(2.0 * TILE * TILE * COLS, BlasKernelsBench.tileFlops(TILE, COLS));
        assertEquals((double) ROWS * COLS * COLS, BlasKernelsBench.gramFlops(ROWS, COLS));
    }
}
