package dev.superscope.analyzers.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.superscope.plugins.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Builds, for one row block at a time, the float32 unit rows u_i = w_i / r_i of the valid rows and,
 * given the mean row, the centred unit rows (w_i - mean) / ||w_i - mean||, as engine arrays.
 *
 * <p>Two routes give the same rows to float32 rounding. The engine route, for blocks whose rows are all
 * valid with norms in [1e-12, 1e12], scales and centres inside the engine, on the block as
 * {@link BlockArrays} hands it over (an F32 block is the mapping itself). Centring there subtracts
 * the mean rounded to float32, which moves every centred row by the same rounding error delta; the route
 * is taken only when ||delta|| is at most 2^-22 of every centred norm, i.e. no larger than the float32
 * rounding of the rows themselves. Every other block (invalid rows, extreme norms, F64, a mean that is
 * large against the rows' spread, a row equal to the mean) takes the Java route: float64 until the final
 * rounding, valid rows only, rows without a direction once centred left out of the centred rows.
 *
 * <p>Arrays from {@link #prepare} belong to the manager given and are valid until the next
 * {@link #prepare}; close that manager before preparing the next block, and close this object at the
 * end, so each block's mapping is released as soon as nothing can read it.
 */
public final class UnitRows implements AutoCloseable {
    /** ||delta|| / s_i above this sends a block to the float64 route (float32 rows round at 2^-24). */
    private static final double CENTRING_TOLERANCE = 0x1p-22;
    private static final double MIN_NORM = 1e-12;
    private static final double MAX_NORM = 1e12;

    private final RowBlocks blocks;
    private final RowScan scan;
    private final double[] mean;
    private final float[] mean32;
    private final double meanRounding;
    private final int cols;
    private final BlockArrays arrays;
    private ByteBuffer unit;
    private ByteBuffer centred;
    private ByteBuffer mapped;
    private int[] validRows = new int[0];
    private int validCount;
    private int centredCount;
    private NDArray unitArray;
    private NDArray centredArray;
    private boolean inEngine;

    /**
     * A builder over {@code blocks}, with the norms and row states of {@code scan}; {@code mean} is the
     * mean row to centre on, or null when only unit rows are wanted.
     */
    public UnitRows(RowBlocks blocks, RowScan scan, double[] mean) {
        this.blocks = blocks;
        this.scan = scan;
        this.mean = mean;
        this.cols = blocks.cols();
        this.arrays = new BlockArrays(blocks.dtype(), cols, blocks.matrix().name());
        if (mean == null) {
            this.mean32 = null;
            this.meanRounding = 0;
        } else {
            this.mean32 = new float[cols];
            double squares = 0;
            for (int j = 0; j < cols; j++) {
                mean32[j] = (float) mean[j];
                double d = mean32[j] - mean[j];
                squares += d * d;
            }
            this.meanRounding = Math.sqrt(squares);
        }
    }

    /** Builds block {@code index}'s unit rows (and centred unit rows when a mean was given) in {@code manager}. */
    public void prepare(int index, NDManager manager) {
        releaseMapping();
        int first = (int) blocks.blockStart(index);
        int count = blocks.blockLength(index);
        byte[] states = scan.states();
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
        mapped = blocks.raw(index);
        inEngine = k == count && k > 0 && normsInRange(scan, first, count) && inEngine(first, count, manager);
        if (!inEngine) {
            inJava(first, manager);
        }
    }

    /**
     * Whether every valid row of rows {@code first .. first+count-1} has a norm in [1e-12, 1e12]: then
     * float32 can scale it to unit length, and w^T G w = r^2 u^T G u neither underflows nor overflows.
     */
    public static boolean normsInRange(RowScan scan, int first, int count) {
        double[] norms = scan.norms();
        byte[] states = scan.states();
        for (int i = first; i < first + count; i++) {
            if (states[i] == Block.VALID && !(norms[i] >= MIN_NORM && norms[i] <= MAX_NORM)) {
                return false;
            }
        }
        return true;
    }

    /** The engine route; false (nothing kept) when the block must take the Java route. */
    private boolean inEngine(int first, int count, NDManager manager) {
        NDArray rows = asFloat32(count, manager);
        if (rows == null) {
            return false;
        }
        double[] norms = scan.norms();
        float[] inverse = new float[count];
        for (int i = 0; i < count; i++) {
            inverse[i] = (float) (1.0 / norms[first + i]);
        }
        try (NDArray scale = manager.create(inverse, new Shape(count, 1))) {
            unitArray = rows.mul(scale);
        }
        if (mean == null) {
            centredArray = null;
            centredCount = 0;
            return true;
        }
        NDArray diff = null;
        try (NDArray m = manager.create(mean32, new Shape(1, cols))) {
            diff = rows.sub(m);
            try (NDArray s = diff.norm(2, new int[] {1}, true)) {
                float[] norm = s.toFloatArray();
                double smallest = Double.POSITIVE_INFINITY;
                for (float v : norm) {
                    smallest = Math.min(smallest, v);
                }
                if (!(smallest >= MIN_NORM && smallest <= MAX_NORM && meanRounding <= CENTRING_TOLERANCE * smallest)) {
                    diff.close();
                    unitArray.close();
                    return false;
                }
                centredArray = diff.divi(s);
                centredCount = count;
                return true;
            }
        } catch (RuntimeException e) {
            if (diff != null) {
                diff.close();
            }
            throw e;
        }
    }

    /** The block as a FLOAT32 engine array (the mapping itself for F32), or null for F64. */
    private NDArray asFloat32(int count, NDManager manager) {
        return blocks.dtype() == DType.F64 ? null : arrays.of(mapped, count, manager);
    }

    /** The float64 route over the valid rows. */
    private void inJava(int first, NDManager manager) {
        long bytes = (long) validCount * cols * Float.BYTES;
        unit = ensure(unit, bytes);
        if (mean != null) {
            centred = ensure(centred, bytes);
        }
        int valid = validCount;
        boolean[] directionless = new boolean[valid];
        if (valid > 0) {
            fillInJava(first, valid, directionless);
        }
        centredCount = mean == null ? 0 : compact(directionless);
        unitArray = wrap(unit, validCount, manager);
        centredArray = mean == null ? null : wrap(centred, centredCount, manager);
    }

    private void fillInJava(int first, int valid, boolean[] directionless) {
        double[] norms = scan.norms();
        ByteBuffer raw = mapped;
        ByteBuffer unitBuffer = unit;
        ByteBuffer centredBuffer = centred;
        int ranges = RowBlocks.ranges(valid);
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

    /** Whether the prepared block took the engine route (else the float64 Java route). */
    public boolean preparedInEngine() {
        return inEngine;
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

    /** The unit rows of the prepared block, {@code validCount x cols} FLOAT32. */
    public NDArray unitArray() {
        return unitArray;
    }

    /** The centred unit rows of the prepared block, {@code centredCount x cols} FLOAT32. */
    public NDArray centredArray() {
        if (mean == null) {
            throw new IllegalStateException("no mean was given: there are no centred rows");
        }
        return centredArray;
    }

    private NDArray wrap(ByteBuffer buffer, int rows, NDManager manager) {
        return manager.create(exact(buffer, Math.multiplyExact(rows, cols * Float.BYTES)), new Shape(rows, cols),
                DataType.FLOAT32);
    }

    private static ByteBuffer exact(ByteBuffer buffer, int bytes) {
        return buffer.duplicate().order(ByteOrder.nativeOrder()).position(0).limit(bytes).slice()
                .order(ByteOrder.nativeOrder());
    }

    private static ByteBuffer ensure(ByteBuffer buffer, long bytes) {
        if (buffer == null || buffer.capacity() < bytes) {
            return ByteBuffer.allocateDirect((int) Math.max(bytes, Float.BYTES)).order(ByteOrder.nativeOrder());
        }
        return buffer;
    }

    private void releaseMapping() {
        unitArray = null;
        centredArray = null;
        if (mapped != null) {
            blocks.release(mapped);
            mapped = null;
        }
    }

    /** Releases the last block's mapping; the arrays of the last {@link #prepare} must no longer be used. */
    @Override
    public void close() {
        releaseMapping();
    }
}
