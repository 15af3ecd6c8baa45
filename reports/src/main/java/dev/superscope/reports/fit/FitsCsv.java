package dev.superscope.reports.fit;

import dev.superscope.reports.Cells;
import dev.superscope.reports.ReportFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes {@code fits.csv} (RFC 4180, UTF-8, header row) with the contract's columns, in order:
 * {@link #COLUMNS}. Numbers read back exactly; an undefined value (no interval with two models, no fit
 * with fewer) is an empty cell, as are {@code m_min}/{@code m_max} when no model was usable and
 * {@code consistent_with_prediction} when there is no interval. Models left out of a fit are not a
 * column: {@link ScalingFits#notes} tells the user.
 *
 * <p>The first thirteen columns are the original contract; the later ones were added at the end so that
 * readers by name or by position keep working:
 * <ul>
 *   <li>{@code intercept}: the fit's intercept in log space, metric ~ exp(intercept) * m^slope (for a
 *       {@code loss} row, ln A);</li>
 *   <li>{@code dataset, fit_family, n_points, A, A_stderr, alpha, alpha_stderr, offset, offset_stderr}:
 *       the loss fit's terms ({@link LossTerms}), empty on the overlap rows. A {@code loss} row is one fit
 *       (family {@code all} for the joint fit over every family, or one family alone; matrix {@code -});
 *       each of its offsets is a {@code loss_offset} row with the offset's family and dataset, the fit it
 *       belongs to in {@code fit_family}, and that fit's A and alpha repeated, so that one row gives the
 *       curve loss = A * m^-alpha + offset. With pandas:
 *       {@code df[(df.metric == "loss_offset") & (df.fit_family == "all")][["family", "dataset", "offset"]]}.</li>
 * </ul>
 */
public final class FitsCsv {

    /** The file's name in an output directory. */
    public static final String FILE_NAME = "fits.csv";

    /** The columns, in contract order. */
    public static final List<String> COLUMNS = List.of("family", "matrix", "metric", "n_models", "m_min", "m_max",
            "slope", "slope_stderr", "slope_ci_low", "slope_ci_high", "r2", "predicted_slope",
            "consistent_with_prediction", "intercept", "dataset", "fit_family", "n_points", "A", "A_stderr", "alpha",
            "alpha_stderr", "offset", "offset_stderr");

    private FitsCsv() {
    }

    /** Writes the rows to {@code file} atomically. */
    public static void write(Path file, List<FitRow> rows) {
        ReportFiles.writeText(file, out -> print(out, rows));
    }

    /** Prints the header and the rows as CSV. */
    public static void print(Appendable out, List<FitRow> rows) throws IOException {
        CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180);
        printer.printRecord(COLUMNS);
        for (FitRow r : rows) {
            boolean any = r.nModels() > 0;
            LossTerms l = r.loss();
            printer.printRecord(r.family(), r.matrix(), r.metric(), Integer.toString(r.nModels()),
                    any ? Integer.toString(r.mMin()) : "", any ? Integer.toString(r.mMax()) : "",
                    Cells.number(r.slope()), Cells.number(r.slopeStderr()), Cells.number(r.slopeCiLow()),
                    Cells.number(r.slopeCiHigh()), Cells.number(r.r2()), Cells.number(r.predictedSlope()),
                    r.consistentWithPrediction().map(String::valueOf).orElse(""), Cells.number(r.intercept()),
                    l.dataset(), l.fitFamily(), l.present() ? Integer.toString(l.nPoints()) : "", Cells.number(l.a()),
                    Cells.number(l.aStderr()), Cells.number(l.alpha()), Cells.number(l.alphaStderr()),
                    Cells.number(l.offset()), Cells.number(l.offsetStderr()));
        }
        printer.flush();
    }
}
