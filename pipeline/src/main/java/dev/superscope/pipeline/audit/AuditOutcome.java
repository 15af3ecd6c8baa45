package dev.superscope.pipeline.audit;

import dev.superscope.reports.ModelResult;
import dev.superscope.reports.fit.FitRow;
import java.nio.file.Path;
import java.util.List;

/**
 * What an audit left in its output directory.
 *
 * @param results   every row of models.csv (earlier runs' included)
 * @param fits      the fits written to fits.csv (empty when fits were not asked for)
 * @param fitted    whether fits.csv and the plots were written
 * @param modelsCsv the models table
 * @param failures  one line per model that failed ("name: reason")
 * @param exitCode  0, or the exit code of the first failure
 */
public record AuditOutcome(List<ModelResult> results, List<FitRow> fits, boolean fitted, Path modelsCsv,
                           List<String> failures, int exitCode) {

    public AuditOutcome {
        results = List.copyOf(results);
        fits = List.copyOf(fits);
        failures = List.copyOf(failures);
    }
}
