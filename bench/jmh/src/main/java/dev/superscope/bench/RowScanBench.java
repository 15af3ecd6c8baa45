package dev.superscope.bench;

import dev.superscope.analyzers.engine.RowScan;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The Java row scan ({@link RowScan#of}): every row's float64 norm and state and the column sums of the
 * valid rows, in one pass over the mapped file split over every core, no engine. It is all of
 * {@code norms} and the first of {@code overlap}'s three passes. Called directly, not through the
 * analyzers' per-matrix cache, so every invocation scans.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-DOPT_OUT_TRACKING=true", "-Dai.djl.offline=true"})
@State(Scope.Benchmark)
public class RowScanBench extends MappedHead {
    /** Rows n (GPT-2 small's vocabulary by default). */
    @Param("50257")
    public long rows;
    /** Columns m (GPT-2 small's width by default). */
    @Param("768")
    public int cols;
    /** Rows per block, as {@code AnalysisOptions.blockRows}. */
    @Param("4096")
    public int blockRows;

    @Override
    protected long rowCount() {
        return rows;
    }

    @Override
    protected int colCount() {
        return cols;
    }

    /** One full scan of the head. */
    @Benchmark
    public RowScan rowScan() {
        return RowScan.of(freshMatrix(), blockRows);
    }
}
