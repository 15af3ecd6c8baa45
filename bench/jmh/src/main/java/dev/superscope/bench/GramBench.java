package dev.superscope.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.superscope.analyzers.OverlapAnalyzer;
import dev.superscope.analyzers.engine.RowBlocks;
import dev.superscope.analyzers.engine.RowScan;
import dev.superscope.analyzers.engine.SymmetricGram;
import dev.superscope.analyzers.engine.TorchEngine;
import dev.superscope.analyzers.engine.UnitRows;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.Matrix;
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
 *   <li>{@link #overlap()}: {@code OverlapAnalyzer.analyze} end to end on a fresh matrix object (so the
 *       row scan is not reused from the previous invocation): row scan, raw and centred Gram matrices,
 *       per-token interference; about 2.1 GEMM-equivalents of engine work plus the Java passes.</li>
 *   <li>{@link #symmetricGramAdd()}: the kernel alone, {@code SymmetricGram.add} over the unit rows of
 *       every block (built once per trial, held as engine arrays) and its Frobenius norm: the panelled
 *       upper triangle, (p + 1) / (2p) of a GEMM's flops (9/16 for m = 768); compare with
 *       {@link GemmRate}.</li>
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
    private NDManager unitManager;
    private final List<NDArray> unitBlocks = new ArrayList<>();

    @Override
    protected long rowCount() {
        return rows;
    }


    @Override
    protected void afterOpen() {
        AnalysisOptions defaults = AnalysisOptions.defaults();
        options = new AnalysisOptions(defaults.tau(), blockRows, defaults.histogramBins(), Map.of());
        unitManager = TorchEngine.get().newManager();
        Matrix matrix = freshMatrix();
        RowBlocks blocks = new RowBlocks(matrix, blockRows);
        try (UnitRows unit = new UnitRows(blocks, RowScan.of(matrix, blockRows), null)) {
            for (int b = 0; b < blocks.blockCount(); b++) {
                // The arrays are valid until the next block: keep a copy of each.
                try (NDManager block = unitManager.newSubManager()) {
                    unit.prepare(b, block);
                    NDArray copy = unit.unitArray().duplicate();
                    copy.attach(unitManager);
                    unitBlocks.add(copy);
                }
            }
        }
    }

    @Override
    protected void beforeClose() {
        unitBlocks.clear();
        if (unitManager != null) {
            unitManager.close();
            unitManager = null;
        }
    }

    /** The {@code overlap} analyzer end to end. */
    @Benchmark
    public AnalysisResult overlap() {
        return new OverlapAnalyzer().analyze(freshMatrix(), options);
    }

    /** ||G||_F^2 of G = sum over blocks of U^T U, accumulated in a new {@link SymmetricGram}. */
    @Benchmark
    public double symmetricGramAdd() {
        try (NDManager manager = TorchEngine.get().newManager(); SymmetricGram gram = new SymmetricGram(manager, cols)) {
            for (NDArray block : unitBlocks) {
                gram.add(block);
            }
            return gram.frobeniusSquared();
        }
    }
}
