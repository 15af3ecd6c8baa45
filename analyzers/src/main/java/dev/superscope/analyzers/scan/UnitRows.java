package dev.superscope.analyzers.scan;

import dev.superscope.plugins.DType;
import dev.superscope.plugins.compute.FloatRows;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Builds, one row block at a time, the float32 unit rows u_i = w_i / r_i of the block's valid rows and,
 * given the mean row, the centred unit rows (w_i - mean) / ||w_i - mean||, for a backend to multiply.
 *
 * <p>Each row is read as exact float64 values, scaled (and centred) in float64 and rounded to float32
 * once, so a unit row is within float32 rounding of the true direction whatever the row's scale, dtype
 * or distance from the mean. A row equal to the mean has no direction once centred and is left out of
 * the centred rows. The work is split by rows over every core; it costs about as much as reading the
 * block, small next to the products a backend then forms (O(k m) against O(k m^2)).
 *
 * <p>The rows of {@link #prepare} are valid until the next {@link #prepare}: the buffers are reused.
 */
public final class UnitRows implements AutoCloseable {
    private final RowBlocks blocks;
    private final RowScan scan;
    private final double[] mean;
    private final int cols;
    private ByteBuffer unit;
    private ByteBuffer centred;
    private int[] validRows = new int[0];
    private int validCount;
    private int centredCount;

    /**
     * A builder over {@code blocks}, with the norms and row states of {@code scan}; {@code mean} is the
     * mean row to centre on, or null when only unit rows are wanted.
     */
    public UnitRows(RowBlocks blocks, RowScan scan, double[] mean) {
        this.blocks = blocks;
        this.scan = scan;
        this.mean = mean;
        this.cols = blocks.cols();
    }

    /** Builds block {@code index}'s unit rows (and centred unit rows when a mean was given). */
    public void prepare(int index) {
        int first = (int) blocks.blockStart(index);
        int count = blocks.blockLength(index);
        byte[] states = scan.states();
        if (validRows.length < count) {
            validRows = new int[count];
        }
        int k = 0;
        for (int i = 0; i < count; i++) {
            if (states[first + i] == RowScan.VALID) {
                validRows[k++] = i;
            }
        }
        validCount = k;
        long bytes = (long) k * cols * Float.BYTES;
        unit = ensure(unit, bytes);
        if (mean != null) {
            centred = ensure(centred, bytes);
        }
        boolean[] directionless = new boolean[k];
        if (k > 0) {
            ByteBuffer raw = blocks.raw(index);
            try {
                fill(raw, first, k, directionless);
            } finally {
                blocks.release(raw);
            }
        }
        centredCount = mean == null ? 0 : compact(directionless);
    }

    private void fill(ByteBuffer raw, int first, int valid, boolean[] directionless) {
        double[] norms = scan.norms();
        int ranges = RowBlocks.ranges(valid);
        int[] rows = validRows;
        ByteBuffer unitBuffer = unit;
        ByteBuffer centredBuffer = centred;
        boolean wide = blocks.dtype() == DType.F64;
        RowBlocks.forRanges(valid, ranges, p -> {
            RowBlocks.Reader reader = blocks.reader(raw);
            FloatBuffer u = unitBuffer.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
            FloatBuffer c = mean == null ? null : centredBuffer.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
            double[] row = new double[cols];
            float[] stored = new float[cols];
            float[] out = new float[cols];
            for (int v = RowBlocks.rangeStart(valid, ranges, p); v < RowBlocks.rangeStart(valid, ranges, p + 1); v++) {
                // One pass over the stored values makes the unit row and the centred differences (kept in
                // float64) with their sum of squares; a second scales the differences. Fewer passes than
                // widening, scaling, centring and summing one after another: this loop runs as C1 code.
                if (wide) {
                    reader.row(rows[v], row);
                } else {
                    reader.floatRow(rows[v], stored);
                    for (int j = 0; j < cols; j++) {
                        row[j] = stored[j];
                    }
                }
                double inverse = 1.0 / norms[first + rows[v]];
                if (c == null) {
                    for (int j = 0; j < cols; j++) {
                        out[j] = (float) (row[j] * inverse);
                    }
                    u.put(v * cols, out, 0, cols);
                    continue;
                }
                double s0 = 0;
                double s1 = 0;
                int j = 0;
                for (; j + 1 < cols; j += 2) {
                    double x0 = row[j];
                    double x1 = row[j + 1];
                    out[j] = (float) (x0 * inverse);
                    out[j + 1] = (float) (x1 * inverse);
                    double d0 = x0 - mean[j];
                    double d1 = x1 - mean[j + 1];
                    row[j] = d0;
                    row[j + 1] = d1;
                    s0 += d0 * d0;
                    s1 += d1 * d1;
                }
                if (j < cols) {
                    double x = row[j];
                    out[j] = (float) (x * inverse);
                    double d = x - mean[j];
                    row[j] = d;
                    s0 += d * d;
                }
                u.put(v * cols, out, 0, cols);
                double s = Math.sqrt(s0 + s1);
                if (!(s > 0 && Double.isFinite(s))) {
                    directionless[v] = true;
                    continue;
                }
                double ci = 1.0 / s;
                for (int k = 0; k < cols; k++) {
                    out[k] = (float) (row[k] * ci);
                }
                c.put(v * cols, out, 0, cols);
            }
        });
    }

    /** Moves the centred rows that have a direction to the front, in order; returns how many there are. */
    private int compact(boolean[] directionless) {
        FloatBuffer c = centred.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
        float[] row = new float[cols];
        int kept = 0;
        for (int v = 0; v < validCount; v++) {
            if (directionless[v]) {
                continue;
            }
            if (kept != v) {
                c.get(v * cols, row, 0, cols);
                c.put(kept * cols, row, 0, cols);
            }
            kept++;
        }
        return kept;
    }

    /** Valid rows in the prepared block. */
    public int validCount() {
        return validCount;
    }

    /** The block-local index of the {@code k}-th valid row. */
    public int validRow(int k) {
        return validRows[k];
    }

    /** Centred rows with a direction in the prepared block. */
    public int centredCount() {
        return centredCount;
    }

    /** The unit rows of the prepared block, {@code validCount x cols}. */
    public FloatRows unit() {
        return new FloatRows(unit, validCount, cols);
    }

    /** The centred unit rows of the prepared block, {@code centredCount x cols}. */
    public FloatRows centred() {
        if (mean == null) {
            throw new IllegalStateException("no mean was given: there are no centred rows");
        }
        return new FloatRows(centred, centredCount, cols);
    }

    /** A copy of the prepared unit rows in a buffer of their own (for rows kept across blocks). */
    public FloatRows unitCopy() {
        long bytes = (long) validCount * cols * Float.BYTES;
        ByteBuffer copy = ByteBuffer.allocateDirect((int) Math.max(bytes, Float.BYTES)).order(ByteOrder.nativeOrder());
        copy.put(unit.duplicate().position(0).limit((int) bytes));
        return new FloatRows(copy.clear(), validCount, cols);
    }

    private static ByteBuffer ensure(ByteBuffer buffer, long bytes) {
        if (buffer == null || buffer.capacity() < bytes) {
            return ByteBuffer.allocateDirect((int) Math.max(bytes, Float.BYTES)).order(ByteOrder.nativeOrder());
        }
        return buffer;
    }

    /**
     * Whether every valid row of rows {@code first .. first+count-1} has a norm in [1e-12, 1e12]: then
     * w^T G w = r^2 u^T G u can be formed from the stored float32 row and neither underflows nor overflows.
     */
    public static boolean normsInRange(RowScan scan, int first, int count) {
        double[] norms = scan.norms();
        byte[] states = scan.states();
        for (int i = first; i < first + count; i++) {
            if (states[i] == RowScan.VALID && !(norms[i] >= 1e-12 && norms[i] <= 1e12)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        unit = null;
        centred = null;
    }
}
