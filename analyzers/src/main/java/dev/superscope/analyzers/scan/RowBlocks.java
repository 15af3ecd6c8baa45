package dev.superscope.analyzers.scan;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.RowDecoder;
import dev.superscope.plugins.UnsupportedDTypeException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * A matrix cut into row blocks and read in Java, one row at a time as float64 values, with the rows of
 * a block split over every core. F32 rows are read straight from the (memory-mapped) block, F16 and
 * BF16 rows are widened exactly, F64 rows keep their precision; every value is then exact in float64.
 *
 * <p>Block sizes are capped by {@link #MAX_BLOCK_ELEMENTS}, so a block's temporaries stay bounded
 * whatever the width. {@link BlockReader} cuts matrices for the engine with the same blocks.
 */
public final class RowBlocks {
    /**
     * The most elements read per block: bounds each block's float64 temporaries to 32 MB whatever the
     * requested block rows and the width (4096 rows of GPT-2's 768 columns fit; an 8192-wide head is
     * read 512 rows at a time).
     */
    public static final long MAX_BLOCK_ELEMENTS = 1L << 22;

    private final Matrix matrix;
    private final DType dtype;
    private final RowDecoder decoder;
    private final int cols;
    private final int blockRows;

    /**
     * Blocks of at most {@code requestedRows} rows of {@code matrix} (fewer for very wide matrices, see
     * {@link #MAX_BLOCK_ELEMENTS}).
     *
     * @throws BadInputException when the dtype cannot be analysed or the matrix has no columns
     */
    public RowBlocks(Matrix matrix, int requestedRows) {
        this(matrix, requestedRows, MAX_BLOCK_ELEMENTS);
    }

    /**
     * Blocks of at most {@code requestedRows} rows and {@code maxElements} elements of {@code matrix}
     * (at least one row each): for passes whose per-block temporaries are float32 engine arrays rather
     * than float64 Java ones, and which gain from fewer, larger GEMMs.
     *
     * @throws BadInputException when the dtype cannot be analysed or the matrix has no columns
     */
    public RowBlocks(Matrix matrix, int requestedRows, long maxElements) {
        this.matrix = matrix;
        this.dtype = matrix.dtype();
        try {
            this.decoder = RowDecoder.forType(dtype);
        } catch (UnsupportedDTypeException e) {
            throw new BadInputException(null, "matrix " + matrix.name() + ": " + e.reason(), e);
        }
        this.cols = matrix.cols();
        if (cols < 1) {
            throw new BadInputException(null, "matrix " + matrix.name() + " has no columns");
        }
        if (matrix.rows() < 0) {
            throw new BadInputException(null, "matrix " + matrix.name() + " has a negative row count");
        }
        long limit = maxElements / cols;
        this.blockRows = (int) Math.max(1, Math.min(Math.max(1, requestedRows), limit));
    }

    /** The matrix. */
    public Matrix matrix() {
        return matrix;
    }

    /** Columns per row. */
    public int cols() {
        return cols;
    }

    /** The matrix's element type. */
    public DType dtype() {
        return dtype;
    }

    /** The decoder of the matrix's element type. */
    public RowDecoder decoder() {
        return decoder;
    }

    /** Rows per block (the last may be shorter). */
    public int blockRows() {
        return blockRows;
    }

    /** Number of blocks. */
    public int blockCount() {
        return Math.toIntExact((matrix.rows() + blockRows - 1) / blockRows);
    }

    /** Index of block {@code index}'s first row. */
    public long blockStart(int index) {
        return (long) index * blockRows;
    }

    /** Rows in block {@code index}. */
    public int blockLength(int index) {
        return (int) Math.min(blockRows, matrix.rows() - blockStart(index));
    }

    /** The bytes of block {@code index}, little-endian. */
    public ByteBuffer raw(int index) {
        return matrix.rawRows(blockStart(index), blockLength(index)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Hands a block from {@link #raw} back to the matrix once nothing will read it (or an engine array
     * over it) again, so its mapping goes now: see {@link Matrix#release}.
     */
    public void release(ByteBuffer raw) {
        matrix.release(raw);
    }

    /** A reader of one block's rows for one thread. */
    public Reader reader(ByteBuffer raw) {
        return new Reader(raw);
    }

    /**
     * Runs {@code body} for rows {@code [0, rows)} split into contiguous ranges, one task per range,
     * on the common pool; {@code body} gets the range index, and {@link #rangeStart} gives its rows.
     */
    public static void forRanges(int rows, int ranges, IntConsumer body) {
        if (ranges <= 1) {
            body.accept(0);
            return;
        }
        IntStream.range(0, ranges).parallel().forEach(body);
    }

    /** How many ranges {@link #forRanges} should use for {@code rows} rows: two per core, at most one a row. */
    public static int ranges(int rows) {
        return Math.max(1, Math.min(rows, Runtime.getRuntime().availableProcessors() * 2));
    }

    /** First row of range {@code range} of {@code ranges} over {@code rows} rows. */
    public static int rangeStart(int rows, int ranges, int range) {
        return (int) ((long) rows * range / ranges);
    }

    /** Reads rows of one block as float64; not thread-safe, make one per thread. */
    public final class Reader {
        private final ByteBuffer raw;
        private final FloatBuffer f32;
        private final DoubleBuffer f64;
        private final float[] floats;

        private Reader(ByteBuffer raw) {
            this.raw = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            this.f32 = dtype == DType.F32 ? this.raw.asFloatBuffer() : null;
            this.f64 = dtype == DType.F64 ? this.raw.asDoubleBuffer() : null;
            this.floats = dtype == DType.F64 ? null : new float[cols];
        }

        /**
         * Row {@code row} of the block as float32 values into {@code dst} (length {@code cols}): exact for
         * F32, F16 and BF16 rows; not for F64 ones, which must be read with {@link #row(int, double[])}.
         */
        public void floatRow(int row, float[] dst) {
            if (f64 != null) {
                throw new IllegalStateException("an F64 row does not fit float32 exactly");
            }
            int base = row * cols;
            if (f32 != null) {
                f32.get(base, dst, 0, cols);
            } else {
                FloatBuffer out = FloatBuffer.wrap(dst);
                decoder.decode(raw.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(base * dtype.byteSize()),
                        cols, out);
            }
        }

        /** Row {@code row} of the block into {@code dst} (length {@code cols}). */
        public void row(int row, double[] dst) {
            int base = row * cols;
            if (f64 != null) {
                f64.get(base, dst, 0, cols);
                return;
            }
            if (f32 != null) {
                f32.get(base, floats, 0, cols);
            } else {
                FloatBuffer out = FloatBuffer.wrap(floats);
                decoder.decode(raw.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(base * dtype.byteSize()),
                        cols, out);
            }
            for (int j = 0; j < cols; j++) {
                dst[j] = floats[j];
            }
        }
    }
}
