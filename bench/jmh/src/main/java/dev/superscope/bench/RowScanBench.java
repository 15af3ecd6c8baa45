package dev.superscope.bench;

import dev.superscope.analyzers.scan.RowScan;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;


/**
 * The Java row scan ({@link RowScan#of}): every row's float64 norm and state and the column sums of the
 * valid rows, in one pass over the mapped file split over every core, no backend. It is all of
 * {@code norms} and the first of {@code overlap}'s three passes. Called directly, not through an
 * analysis context, so every invocation scans.
 */
@State(Scope.Benchmark)
public class RowScanBench extends MappedHead {
    /** Rows n (GPT-2 small's vocabulary by default). */
    @Param("50257")
    public long rows;
    /** Rows per block, as {@code AnalysisOptions.blockRows}. */
    @Param("4096")
    public int blockRows;

    @Override
    protected long rowCount() {
        return rows;
    }


    /** One full scan of the head. */
    @Benchmark
    public RowScan rowScan() {
        return RowScan.of(freshMatrix(), blockRows);
    }
}
