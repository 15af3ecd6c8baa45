package dev.superscope.analyzers.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Builds, for one row block at a time, the float32 unit rows u_i = w_i / r_i of the valid rows and,
 * given the mean row, the centred unit rows (w_i - mean) / ||w_i - mean||, in Java over every core,
 * into two reusable direct buffers the engine wraps without copying.
 *
 * <p>Everything before the final rounding to float32 is float64: values are exact in float64, the
 * mean is the float64 mean, centring and normalising lose nothing to a large shared offset. A valid
 * row equal to the mean has no direction once centred and is left out of the centred rows.
 *
 * <p>The buffers are reused: arrays from {@link #unitArray}/{@link #centredArray} are valid until the
 * next {@link #prepare}.
 */
public final class UnitRows {
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
        double[] norms = scan.norms();
        if (validRows.length < count) {
            validRows = new int[count];
        }
        int k = 0;
        for (int i = 0; i < count; i++) {
            if (states[first + i] == Block.VALID) {
                validRows[k++] = i;
            }
        }
        validCount = k;
        long bytes = (long) validCount * cols * Float.BYTES;
        unit = ensure(unit, bytes);
        if (mean != null) {
            centred = ensure(centred, bytes);
        }
        if (validCount == 0) {
            centredCount = 0;
            return;
        }
        int valid = validCount;
        ByteBuffer raw = blocks.raw(index);
        ByteBuffer unitBuffer = unit;
        ByteBuffer centredBuffer = centred;
        int ranges = RowBlocks.ranges(valid);
        boolean[] directionless = new boolean[valid];
        int[] rows = validRows;
        RowBlocks.forRanges(valid, ranges, p -> {
            RowBlocks.Reader reader = blocks.reader(raw);
            FloatBuffer u = unitBuffer.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
            FloatBuffer c = mean == null ? null : centredBuffer.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
            double[] row = new double[cols];
            float[] out = new float[cols];
            for (int v = RowBlocks.rangeStart(valid, ranges, p); v < RowBlocks.rangeStart(valid, ranges, p + 1); v++) {
                reader.row(rows[v], row);
                double inverse = 1.0 / norms[first + rows[v]];
                for (int j = 0; j < cols; j++) {
                    out[j] = (float) (row[j] * inverse);
                }
                u.put(v * cols, out, 0, cols);
                if (c != null) {
                    for (int j = 0; j < cols; j++) {
                        row[j] -= mean[j];
                    }
                    double s = Math.sqrt(RowScan.sumOfSquares(row));
                    if (!(s > 0 && Double.isFinite(s))) {
                        directionless[v] = true;
                        continue;
                    }
                    double ci = 1.0 / s;
                    for (int j = 0; j < cols; j++) {
                        out[j] = (float) (row[j] * ci);
                    }
                    c.put(v * cols, out, 0, cols);
                }
            }
        });
        centredCount = mean == null ? 0 : compact(directionless);
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

    /** The unit rows as a {@code validCount x cols} FLOAT32 array in {@code manager}, over the buffer. */
    public NDArray unitArray(NDManager manager) {
        return wrap(unit, validCount, manager);
    }

    /** The centred unit rows as a {@code centredCount x cols} FLOAT32 array in {@code manager}. */
    public NDArray centredArray(NDManager manager) {
        if (mean == null) {
            throw new IllegalStateException("no mean was given: there are no centred rows");
        }
        return wrap(centred, centredCount, manager);
    }

    private NDArray wrap(ByteBuffer buffer, int rows, NDManager manager) {
        int bytes = Math.multiplyExact(rows, cols * Float.BYTES);
        ByteBuffer exact = buffer.duplicate().order(ByteOrder.nativeOrder()).position(0).limit(bytes).slice()
                .order(ByteOrder.nativeOrder());
        return manager.create(exact, new Shape(rows, cols), DataType.FLOAT32);
    }

    private static ByteBuffer ensure(ByteBuffer buffer, long bytes) {
        if (buffer == null || buffer.capacity() < bytes) {
            return ByteBuffer.allocateDirect((int) Math.max(bytes, Float.BYTES)).order(ByteOrder.nativeOrder());
        }
        return buffer;
    }
}
