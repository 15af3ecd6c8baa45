package dev.superscope.bench;

import dev.superscope.analyzers.OverlapAnalyzer;
import dev.superscope.analyzers.scan.RowBlocks;
import dev.superscope.analyzers.scan.RowScan;
import dev.superscope.analyzers.scan.UnitRows;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.GramSum;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Gram matrices behind {@code overlap}.
 *
 * <ul>
 *   <li>{@link #overlap()}: {@code OverlapAnalyzer.analyze} end to end on a fresh matrix object and
 *       context (so the row scan is not reused from the previous invocation): row scan, raw and centred
 *       Gram matrices, per-token interference.</li>
 *   <li>{@link #gramAdd()}: the kernel alone, {@link GramSum#add} over the unit rows of every block
 *       (built once per trial, held by the backend) and its Frobenius norm: n m^2 flops as a syrk, half
 *       of a GEMM's; compare with {@link GemmRate}.</li>
 * </ul>
 */
@State(Scope.Benchmark)
public class GramBench extends MappedHead {
    /** Rows n (GPT-2 small's vocabulary by default). */
    @Param("50257")
    public long rows;
    /** Rows per block, as {@code AnalysisOptions.blockRows}. */
    @Param("4096")
    public int blockRows;

    private AnalysisOptions options;
    private ComputeScope unitScope;
    private final List<DeviceRows> unitBlocks = new ArrayList<>();

    /** True flops of one Gram pass over an n x m head as a symmetric rank-k update: n m^2. */
    public static double flops(long rows, int cols) {
        return (double) rows * cols * cols;
    }

    @Override
    protected long rowCount() {
        return rows;
    }

    @Override
    protected void afterOpen() {
        AnalysisOptions defaults = AnalysisOptions.defaults();
        options = new AnalysisOptions(defaults.tau(), blockRows, defaults.histogramBins(), Map.of());
        unitScope = backend().newScope();
        Matrix matrix = freshMatrix();
        RowBlocks blocks = new RowBlocks(matrix, blockRows);
        try (UnitRows unit = new UnitRows(blocks, RowScan.of(matrix, blockRows), null)) {
            for (int b = 0; b < blocks.blockCount(); b++) {
                unit.prepare(b);
                // The builder reuses its buffers for the next block: keep a copy of each.
                unitBlocks.add(unitScope.rows(unit.unitCopy()));
            }
        }
    }

    @Override
    protected void beforeClose() {
        unitBlocks.clear();
        if (unitScope != null) {
            unitScope.close();
            unitScope = null;
        }
    }

    /** The {@code overlap} analyzer end to end. */
    @Benchmark
    public AnalysisResult overlap() {
        return new OverlapAnalyzer().analyze(freshMatrix(), context(options));
    }

    /** ||G||_F^2 of G = sum over blocks of U^T U, accumulated in a new {@link GramSum}. */
    @Benchmark
    public double gramAdd() {
        try (ComputeScope scope = backend().newScope()) {
            GramSum gram = scope.newGram(cols);
            for (DeviceRows block : unitBlocks) {
                gram.add(block);
            }
            return gram.frobeniusSquared();
        }
    }
}
