package dev.superscope.backend.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.GramSum;
import java.util.Arrays;

/**
 * G = sum_i u_i u_i^T over row blocks, computed as its block upper triangle only: G is symmetric, so
 * with the columns cut into p panels, panel j needs just its rows above and on the diagonal,
 * U[:, 0:e_j]^T U[:, s_j:e_j]. That is (p + 1) / (2p) of the full GEMM's flops (9/16 for p = 8): what
 * BLAS's syrk saves, which PyTorch does not expose. Each panel is a float32 GEMM per block, summed in
 * float64 in the engine.
 *
 * <p>The same panels give the quadratic forms u^T G u = u^T (D + 2S) u, with D the diagonal blocks and
 * S the blocks strictly above: again only the upper panels are multiplied.
 */
final class PanelledGram implements GramSum, AutoCloseable {
    /** Panels narrower than this lose more to small GEMMs than the saved flops bring. */
    private static final int MIN_PANEL = 96;
    private static final int MAX_PANELS = 32;
    private static final int[] ROW_AXIS = {1};

    private final int m;
    private final int[] bounds;
    private final NDArray[] sums;
    private NDArray[] forms;
    private long rows;

    /** An empty m x m sum in {@code manager}. */
    public PanelledGram(NDManager manager, int m) {
        this.m = m;
        int p = Math.max(1, Math.min(MAX_PANELS, m / MIN_PANEL));
        this.bounds = new int[p + 1];
        for (int j = 0; j <= p; j++) {
            bounds[j] = (int) ((long) m * j / p);
        }
        this.sums = new NDArray[p];
        for (int j = 0; j < p; j++) {
            sums[j] = manager.zeros(new Shape(bounds[j + 1], bounds[j + 1] - bounds[j]), DataType.FLOAT64);
        }
    }

    @Override
    public int cols() {
        return m;
    }

    /** Number of column panels. */
    int panels() {
        return sums.length;
    }

    @Override
    public void add(DeviceRows block) {
        checkUsable(block);
        add(TorchRows.arrayOf(block));
    }

    /** Refuses a closed scope's sum and rows of another width. */
    private void checkUsable(DeviceRows block) {
        checkOpen();
        if (block.cols() != m) {
            throw new IllegalArgumentException("rows of width " + block.cols() + " added to a Gram sum of width " + m);
        }
    }

    private void checkOpen() {
        if (sums[0].isReleased()) {
            throw new IllegalStateException("this Gram sum's compute scope is closed");
        }
    }

    /** Adds U^T U for the FLOAT32 rows {@code unitRows} (k x m). */
    void add(NDArray unitRows) {
        long k = unitRows.getShape().get(0);
        if (k == 0) {
            return;
        }
        forms = closeAll(forms);
        for (int j = 0; j < sums.length; j++) {
            try (NDArray left = unitRows.get(columns(0, bounds[j + 1]));
                 NDArray right = unitRows.get(columns(bounds[j], bounds[j + 1]));
                 NDArray t = left.transpose();
                 NDArray product = t.matMul(right)) {
                sums[j].addi(product);
            }
        }
        rows += k;
    }

    @Override
    public long rows() {
        return rows;
    }

    /** ||G||_F^2 in float64: diagonal blocks once, blocks above the diagonal twice. */
    @Override
    public double frobeniusSquared() {
        checkOpen();
        double total = 0;
        for (int j = 0; j < sums.length; j++) {
            double[] panel = sums[j].toDoubleArray();
            int width = bounds[j + 1] - bounds[j];
            int above = bounds[j] * width;
            for (int e = 0; e < panel.length; e++) {
                double v = panel[e] * panel[e];
                total += e < above ? 2 * v : v;
            }
        }
        return total;
    }

    @Override
    public double[] quadraticForms(DeviceRows block) {
        checkUsable(block);
        float[] q = quadraticForms(TorchRows.arrayOf(block));
        double[] out = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            out[i] = q[i];
        }
        return out;
    }

    @Override
    public double[] toArray() {
        checkOpen();
        double[] g = new double[m * m];
        for (int j = 0; j < sums.length; j++) {
            double[] panel = sums[j].toDoubleArray();
            int width = bounds[j + 1] - bounds[j];
            for (int r = 0; r < bounds[j + 1]; r++) {
                for (int c = 0; c < width; c++) {
                    double v = panel[r * width + c];
                    g[r * m + bounds[j] + c] = v;
                    g[(bounds[j] + c) * m + r] = v;
                }
            }
        }
        return g;
    }

    /**
     * u_i^T G u_i for each row of the FLOAT32 {@code rows} (k x m), from G rounded to float32 (once,
     * after the last {@link #add}); float32 products as in a plain {@code (U G) . U}.
     */
    float[] quadraticForms(NDArray rows) {
        long k = rows.getShape().get(0);
        if (k == 0) {
            return new float[0];
        }
        if (forms == null) {
            forms = new NDArray[sums.length];
            for (int j = 0; j < sums.length; j++) {
                // D + 2S: the rows above the diagonal block count twice (a power of two: exact).
                int height = bounds[j + 1];
                float[] weights = new float[height];
                Arrays.fill(weights, 0, bounds[j], 2f);
                Arrays.fill(weights, bounds[j], height, 1f);
                NDManager manager = sums[j].getManager();
                try (NDArray w = manager.create(weights).reshape(height, 1);
                     NDArray panel = sums[j].toType(DataType.FLOAT32, true)) {
                    forms[j] = panel.mul(w);
                }
            }
        }
        NDArray total = null;
        try {
            for (int j = 0; j < sums.length; j++) {
                try (NDArray left = rows.get(columns(0, bounds[j + 1]));
                     NDArray right = rows.get(columns(bounds[j], bounds[j + 1]));
                     NDArray h = left.matMul(forms[j]);
                     NDArray q = h.muli(right).sum(ROW_AXIS)) {
                    if (total == null) {
                        total = q.duplicate();
                    } else {
                        total.addi(q);
                    }
                }
            }
            return total.toFloatArray();
        } finally {
            if (total != null) {
                total.close();
            }
        }
    }

    private static NDIndex columns(int from, int to) {
        return new NDIndex(":, " + from + ":" + to);
    }

    private static NDArray[] closeAll(NDArray[] arrays) {
        if (arrays != null) {
            for (NDArray a : arrays) {
                if (a != null) {
                    a.close();
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        forms = closeAll(forms);
        closeAll(sums);
    }
}
