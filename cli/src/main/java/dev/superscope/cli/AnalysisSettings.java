package dev.superscope.cli;

import dev.superscope.pipeline.audit.AuditSettings;
import dev.superscope.pipeline.compute.ComputeSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.reports.RowSelection;
import picocli.CommandLine.Option;

/**
 * The options shared by {@code analyze} and {@code run}: which matrices, analyzers and rows, the thresholds,
 * and the arithmetic.
 */
final class AnalysisSettings {
    @Option(names = "--matrix", paramLabel = "WHICH", defaultValue = "unembedding",
            description = "unembedding (the LM head, default), embedding, or both.")
    String matrix;

    @Option(names = "--analyzers", paramLabel = "A,B", defaultValue = AuditSettings.DEFAULT_ANALYZERS,
            description = "Analyzers to run (default ${DEFAULT-VALUE}; also pairwise, decode-error: O(n^2 m)). "
                    + "See 'superscope plugins'.")
    String analyzers;

    @Option(names = "--rows", paramLabel = "all|tokenizer", defaultValue = "all",
            description = "Analyse every stored row (default) or only the tokenizer's ids, leaving out padding rows.")
    String rows;

    @Option(names = "--tau", defaultValue = "0.5",
            description = "A row is represented when its norm is at least tau x the 90th-percentile norm (default ${DEFAULT-VALUE}).")
    double tau;

    @Option(names = "--collapse-threshold", paramLabel = "COS", defaultValue = "0.99",
            description = "Rows whose |cos| with another row is at least this count as collapsed onto it "
                    + "(collapsed_rows, collapsed_groups; pairwise analyzer; default ${DEFAULT-VALUE}).")
    double collapseThreshold;

    @Option(names = "--precision", paramLabel = "float32|bf16", defaultValue = "float32",
            description = "Arithmetic of the products: float32 (default; float64 sums) or bf16 (inputs rounded to "
                    + "bfloat16, float32 accumulation: about twice as fast where the CPU has BF16 dot products; "
                    + "errors in the README).")
    String precision;

    /** These options as the audit takes them, computing as {@code root} says. */
    AuditSettings toAudit(SuperscopeCommand root) {
        ComputeSettings compute = root.compute(ComputePrecision.parse(precision));
        return new AuditSettings(AuditSettings.parseKinds(matrix), AuditSettings.parseAnalyzers(analyzers),
                RowSelection.parse(rows), tau, compute, collapseThreshold);
    }
}
