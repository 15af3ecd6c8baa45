package dev.superscope.bench;

import dev.superscope.analyzers.DecodeErrorAnalyzer;
import dev.superscope.analyzers.PairwiseAnalyzer;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.Map;

/**
 * The O(n^2 m) cosine scan behind {@code pairwise} and {@code decode-error}: every block pair of the
 * upper triangle multiplied by the backend and reduced in Java. Each method runs its analyzer on a fresh
 * matrix object, so the scan the two analyzers share within one {@code superscope analyze} is
 * recomputed every invocation. The default is 16384 rows (about a tenth of the GPT-2 head's pairs) so
 * that one invocation takes seconds, not tens of seconds; {@code -p rows=50257} measures the full head.
 */
@State(Scope.Benchmark)
public class PairwiseBench extends MappedHead {
    /** Rows n. */
    @Param("16384")
    public long rows;
    /** Rows per block, as {@code AnalysisOptions.blockRows}. */
    @Param("4096")
    public int blockRows;

    private AnalysisOptions options;

    @Override
    protected long rowCount() {
        return rows;
    }


    @Override
    protected void afterOpen() {
        AnalysisOptions defaults = AnalysisOptions.defaults();
        options = new AnalysisOptions(defaults.tau(), blockRows, defaults.histogramBins(), Map.of());
        backend();
    }

    /** The {@code pairwise} analyzer: mean and max |cos| and the cosine histogram. */
    @Benchmark
    public AnalysisResult pairwise() {
        return new PairwiseAnalyzer().analyze(freshMatrix(), context(options));
    }

    /** The {@code decode-error} analyzer: the same scan, read for each row's best competitor. */
    @Benchmark
    public AnalysisResult decodeError() {
        return new DecodeErrorAnalyzer().analyze(freshMatrix(), context(options));
    }
}
