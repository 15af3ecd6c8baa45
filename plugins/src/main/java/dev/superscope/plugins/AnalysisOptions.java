package dev.superscope.plugins;

import dev.superscope.plugins.io.TerminalText;
import java.util.Map;

/**
 * Settings shared by all analyzers.
 *
 * @param tau        a row is "represented" when its norm is at least tau times the 90th-percentile norm
 * @param blockRows  rows read per block (bounds memory: blockRows x m floats per block)
 * @param histogramBins bins of the cosine histogram over [-1, 1]
 * @param collapseThreshold |cos| at or above which two rows count as collapsed onto one another
 * @param extra      analyzer-specific settings, by name
 */
public record AnalysisOptions(double tau, int blockRows, int histogramBins, double collapseThreshold,
                              Map<String, String> extra) {
    /** The default collapse threshold: rows this close are near copies (untrained or byte-fallback rows). */
    public static final double DEFAULT_COLLAPSE_THRESHOLD = 0.99;
    /**
     * The {@link #extra} setting naming how many of the most similar pairs the pairwise scan keeps (the
     * {@code collisions} listing); absent or 0: none.
     */
    public static final String TOP_PAIRS = "top_pairs";

    public AnalysisOptions {
        if (!(tau > 0 && tau <= 1)) {
            throw new SuperscopeException(SuperscopeException.USAGE, "tau must be in (0, 1], not " + tau);
        }
        if (blockRows < 1) {
            throw new SuperscopeException(SuperscopeException.USAGE, "block rows must be positive, not " + blockRows);
        }
        if (!(collapseThreshold > 0 && collapseThreshold <= 1)) {
            throw new SuperscopeException(SuperscopeException.USAGE, "the collapse threshold (--collapse-threshold) "
                    + "must be in (0, 1], not " + collapseThreshold);
        }
        if (histogramBins < 1) {
            throw new SuperscopeException(SuperscopeException.USAGE, "histogram bins must be positive");
        }
        extra = Map.copyOf(extra);
        topPairs(extra);
    }

    /** These options with the default collapse threshold. */
    public AnalysisOptions(double tau, int blockRows, int histogramBins, Map<String, String> extra) {
        this(tau, blockRows, histogramBins, DEFAULT_COLLAPSE_THRESHOLD, extra);
    }

    /** These options keeping the {@code k} most similar pairs in the pairwise scan. */
    public AnalysisOptions withTopPairs(int k) {
        Map<String, String> more = new java.util.HashMap<>(extra);
        more.put(TOP_PAIRS, Integer.toString(k));
        return new AnalysisOptions(tau, blockRows, histogramBins, collapseThreshold, more);
    }

    /** How many of the most similar pairs the pairwise scan keeps ({@link #TOP_PAIRS}; 0 by default). */
    public int topPairs() {
        return topPairs(extra);
    }

    private static int topPairs(Map<String, String> extra) {
        String value = extra.get(TOP_PAIRS);
        if (value == null) {
            return 0;
        }
        try {
            int k = Integer.parseInt(value.strip());
            if (k >= 0 && k <= MAX_TOP_PAIRS) {
                return k;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SuperscopeException(SuperscopeException.USAGE, "the number of top pairs must be a whole number"
                + " from 0 to " + MAX_TOP_PAIRS + ", not '" + TerminalText.safe(value, 40) + "'");
    }

    /** The most top pairs a scan keeps: each task of the scan holds this many, so it bounds their memory. */
    public static final int MAX_TOP_PAIRS = 100_000;

    /** The default tau. */
    public static final double DEFAULT_TAU = 0.5;

    /** tau 0.5, 4096-row blocks, 200 histogram bins, collapse at |cos| &gt;= 0.99. */
    public static AnalysisOptions defaults() {
        return of(DEFAULT_TAU, DEFAULT_COLLAPSE_THRESHOLD);
    }

    /** The default blocks and histogram with this {@code tau} and {@code collapseThreshold}. */
    public static AnalysisOptions of(double tau, double collapseThreshold) {
        return new AnalysisOptions(tau, 4096, 200, collapseThreshold, Map.of());
    }
}
