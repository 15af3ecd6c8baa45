package dev.superscope.cli;

import dev.superscope.pipeline.ProgressListener;
import dev.superscope.pipeline.audit.AuditOutcome;
import dev.superscope.reports.SummaryTable;
import dev.superscope.reports.TokensCsv;
import dev.superscope.reports.fit.FitsCsv;
import dev.superscope.reports.plot.OverlapPlot;
import java.io.PrintWriter;

/** Prints what an audit did: the summary table, the fits, the files written, and the models that failed. */
final class AuditReport {
    private AuditReport() {
    }

    /** Prints {@code outcome} and returns its exit code. */
    static int print(AuditOutcome outcome, PrintWriter out, ProgressListener progress) {
        out.println();
        out.print(SummaryTable.format(outcome.results()));
        if (outcome.fitted()) {
            out.println();
            out.println("Fits of log(metric) against log(m), per family (the 1/m prediction is slope -1; loss: "
                    + "slope = -alpha, predicted -0.91):");
            out.print(SummaryTable.formatFits(outcome.fits()));
        }
        out.println();
        out.println("wrote " + Main.safeLine(outcome.modelsCsv().toString()) + (outcome.fitted() ? ", " + FitsCsv.FILE_NAME + ", "
                + OverlapPlot.FILE_NAME : "") + " and " + TokensCsv.DIRECTORY + "/");
        out.flush();
        if (!outcome.failures().isEmpty()) {
            progress.note(outcome.failures().size() + " of the models failed:");
            outcome.failures().forEach(f -> progress.note("  " + f));
        }
        return outcome.exitCode();
    }
}
