package dev.superscope.reports;

import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.Metric;
import dev.superscope.plugins.SuperscopeException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One row of {@code models.csv}: what was measured on one matrix of one model, and what identifies it.
 *
 * @param model          the model's name as the user gave it (a hub id such as {@code openai-community/gpt2}
 *                       or a models.yaml name); with {@code matrix}, the row's key
 * @param family         the model family the fits group by (e.g. {@code gpt2}, {@code pythia})
 * @param loader         the loader plugin that read the checkpoint
 * @param matrix         {@code unembedding} or {@code embedding} ({@link MatrixKind#label()})
 * @param tied           whether the model ties its LM head to its embedding
 * @param n              rows analysed (after {@code --rows})
 * @param m              the matrix's column count (the width the overlaps live in)
 * @param dtype          stored element type, e.g. {@code F32}, {@code BF16}
 * @param hiddenSize     the transformer's hidden size, which differs from m for OPT-350m
 * @param tokenizerVocab token ids the tokenizer defines, when a tokenizer was found
 * @param paddedRows     stored rows beyond the tokenizer's vocabulary, whether or not they were analysed
 * @param rowsUsed       {@code all} or {@code tokenizer}: which rows were analysed ({@link RowSelection})
 * @param tensor         the tensor's name in the checkpoint, e.g. {@code lm_head.weight}
 * @param architecture   e.g. {@code GPT2LMHeadModel}
 * @param source         where the checkpoint came from (a directory or hub id)
 * @param revision       the hub revision a training sweep's point was taken at (e.g. {@code step1000}), empty
 *                       for a model that is not a sweep's point
 * @param precision      the arithmetic of the compute backend's products ({@code float32}, {@code bf16}),
 *                       empty when no analyzer computed on a backend (or in a file from an older version)
 * @param metrics        metric name to value, in column order; NaN (or absence) is an empty cell
 */
public record ModelResult(String model, String family, String loader, String matrix, boolean tied, long n, int m,
                          String dtype, OptionalInt hiddenSize, OptionalInt tokenizerVocab, long paddedRows,
                          String rowsUsed, String tensor, String architecture, String source, String revision,
                          String precision, Map<String, Double> metrics) {

    /** Two analyzers reporting the same metric must agree to this relative tolerance. */
    static final double AGREEMENT = 1e-9;

    public ModelResult {
        model = Objects.requireNonNull(model, "model");
        if (model.isBlank()) {
            throw new IllegalArgumentException("model name is empty");
        }
        matrix = Objects.requireNonNull(matrix, "matrix");
        if (matrix.isBlank()) {
            throw new IllegalArgumentException("matrix is empty");
        }
        family = family == null ? "" : family;
        loader = loader == null ? "" : loader;
        dtype = dtype == null ? "" : dtype;
        hiddenSize = hiddenSize == null ? OptionalInt.empty() : hiddenSize;
        tokenizerVocab = tokenizerVocab == null ? OptionalInt.empty() : tokenizerVocab;
        rowsUsed = rowsUsed == null ? "" : rowsUsed;
        tensor = tensor == null ? "" : tensor;
        architecture = architecture == null ? "" : architecture;
        source = source == null ? "" : source;
        revision = revision == null ? "" : revision;
        precision = precision == null ? "" : precision;
        if (n < 0 || m < 0 || paddedRows < 0) {
            throw new IllegalArgumentException("negative size: n=" + n + " m=" + m + " padded_rows=" + paddedRows);
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "metric name");
            if (name.isBlank() || ModelsCsv.isIdentityColumn(name)) {
                throw new SuperscopeException(ReportWriteException.EXIT_CODE,
                        "metric name '" + name + "' clashes with a models.csv column of the same name");
            }
            copy.put(name, Objects.requireNonNull(e.getValue(), "value of " + name));
        }
        metrics = Collections.unmodifiableMap(copy);
    }

    /** A row that is not a training sweep's point (no revision). */
    public ModelResult(String model, String family, String loader, String matrix, boolean tied, long n, int m,
                       String dtype, OptionalInt hiddenSize, OptionalInt tokenizerVocab, long paddedRows,
                       String rowsUsed, String tensor, String architecture, String source,
                       Map<String, Double> metrics) {
        this(model, family, loader, matrix, tied, n, m, dtype, hiddenSize, tokenizerVocab, paddedRows, rowsUsed,
                tensor, architecture, source, "", "", metrics);
    }

    /** The metric's value, NaN when it was not measured. */
    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }

    /** True when the metric was measured and is not NaN. */
    public boolean has(String name) {
        return !Double.isNaN(metric(name));
    }

    /** The same row with other metrics (identity unchanged). */
    public ModelResult withMetrics(Map<String, Double> newMetrics) {
        return new ModelResult(model, family, loader, matrix, tied, n, m, dtype, hiddenSize, tokenizerVocab,
                paddedRows, rowsUsed, tensor, architecture, source, revision, precision, newMetrics);
    }

    /** The same row as the point of a training sweep at {@code newRevision} (null or empty: none). */
    public ModelResult withRevision(String newRevision) {
        return new ModelResult(model, family, loader, matrix, tied, n, m, dtype, hiddenSize, tokenizerVocab,
                paddedRows, rowsUsed, tensor, architecture, source, newRevision, precision, metrics);
    }

    /** The same row fitted and plotted under another family (identity otherwise unchanged). */
    public ModelResult withFamily(String newFamily) {
        return new ModelResult(model, newFamily, loader, matrix, tied, n, m, dtype, hiddenSize, tokenizerVocab,
                paddedRows, rowsUsed, tensor, architecture, source, revision, precision, metrics);
    }

    /** The same row, saying in what arithmetic its products were computed. */
    public ModelResult withPrecision(String newPrecision) {
        return new ModelResult(model, family, loader, matrix, tied, n, m, dtype, hiddenSize, tokenizerVocab,
                paddedRows, rowsUsed, tensor, architecture, source, revision, newPrecision, metrics);
    }

    /**
     * Builds the row for one matrix of a loaded model from what the analyzers returned.
     *
     * <p>Metrics are merged by name in the order the results list them. Two analyzers may report the same
     * metric (e.g. both count {@code zero_rows}); their values must then agree (both NaN, or equal to a
     * relative 1e-9), otherwise a plugin is wrong and this fails rather than pick one.
     *
     * @param model   the model's name for the report
     * @param family  its family, for the fits
     * @param loaded  what the loader found
     * @param kind    which matrix was analysed
     * @param rows    the row selection the matrix was analysed with ({@link RowSelection#apply})
     * @param results every analyzer's result on that matrix
     * @throws SuperscopeException (exit code 1) when two analyzers disagree on a metric
     */
    public static ModelResult of(String model, String family, LoadedModel loaded, MatrixKind kind,
                                 RowSelection rows, List<AnalysisResult> results) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, String> reportedBy = new LinkedHashMap<>();
        for (AnalysisResult r : results) {
            for (Metric metric : r.metrics()) {
                Double before = metrics.get(metric.name());
                if (before != null && !agree(before, metric.value())) {
                    throw new SuperscopeException(ReportWriteException.EXIT_CODE, "analyzers '"
                            + reportedBy.get(metric.name()) + "' and '" + r.analyzer() + "' disagree on "
                            + metric.name() + " for " + model + " (" + kind.label() + "): " + before + " vs "
                            + metric.value());
                }
                if (before == null) {
                    metrics.put(metric.name(), metric.value());
                    reportedBy.put(metric.name(), r.analyzer());
                }
            }
        }
        Matrix matrix = loaded.matrix(kind);
        String source = loaded.checkpoint() == null ? "" : loaded.checkpoint().id();
        return new ModelResult(model, family, loaded.loader(), kind.label(), loaded.tied(), rows.rows(loaded, kind),
                matrix.cols(), matrix.dtype().name(),
                loaded.hiddenSize() > 0 ? OptionalInt.of(loaded.hiddenSize()) : OptionalInt.empty(),
                loaded.tokenizerVocab(), loaded.paddedRows(kind), rows.effective(loaded).label(), matrix.name(),
                loaded.architecture(), source, metrics);
    }

    static boolean agree(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b);
        }
        if (a == b) {
            return true;
        }
        return Math.abs(a - b) <= AGREEMENT * Math.max(Math.abs(a), Math.abs(b));
    }
}
