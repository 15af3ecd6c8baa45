package dev.superscope.reports;

import dev.superscope.plugins.io.TerminalText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import dev.superscope.reports.fit.FitRow;

/**
 * The plain-text table the CLI prints after a run: one line per (model, matrix) with the numbers that
 * say whether the head follows 1/m — the mean squared overlap beside 1/m, their product (about 1 when
 * it does), the effective dimension and the share of represented tokens. Names in it are escaped and
 * shortened for the terminal ({@link TerminalText}).
 */
public final class SummaryTable {

    /** Widest cell shown; longer names are cut (with "..."). */
    static final int MAX_CELL = 60;

    private SummaryTable() {
    }

    /**
     * Formats the rows as an aligned table: {@code model, matrix, n, m, msq_overlap, 1/m, msq*m, m_eff,
     * frac_repr}, plus {@code decode_err} when any row has a decode error rate and {@code collapsed} (rows
     * whose nearest neighbour is a near copy, {@code collapsed_rows}, with the groups they form) when any
     * row has it. Numbers have four
     * significant digits; a missing value is {@code -}. Ends with a newline; empty input gives only the
     * header.
     */
    public static String format(List<ModelResult> rows) {
        boolean decode = rows.stream().anyMatch(r -> r.has("decode_error_rate"));
        boolean collapsed = rows.stream().anyMatch(r -> r.has("collapsed_rows"));
        List<String> header = new ArrayList<>(
                List.of("model", "matrix", "n", "m", "msq_overlap", "1/m", "msq*m", "m_eff", "frac_repr"));
        if (decode) {
            header.add("decode_err");
        }
        if (collapsed) {
            header.add("collapsed");
        }
        List<String[]> lines = new ArrayList<>();
        lines.add(header.toArray(new String[0]));
        for (ModelResult r : rows) {
            double msq = r.metric("msq_overlap");
            double inv = r.m() > 0 ? 1.0 / r.m() : Double.NaN;
            double times = r.has("msq_times_m") ? r.metric("msq_times_m") : msq * r.m();
            List<String> cells = new ArrayList<>(List.of(r.model(), r.matrix(), Long.toString(r.n()),
                    Integer.toString(r.m()), num(msq), num(inv), num(times), num(r.metric("m_eff")),
                    num(r.metric("frac_represented"))));
            if (decode) {
                cells.add(num(r.metric("decode_error_rate")));
            }
            if (collapsed) {
                cells.add(collapsedCell(r));
            }
            lines.add(cells.toArray(new String[0]));
        }
        return align(lines, 2);
    }

    /** {@code 260 in 3 groups}: the collapsed rows and their groups, or {@code -} when not measured. */
    private static String collapsedCell(ModelResult r) {
        if (!r.has("collapsed_rows")) {
            return "-";
        }
        String rowsCell = Cells.count(r.metric("collapsed_rows"));
        double groups = r.metric("collapsed_groups");
        return Double.isNaN(groups) ? rowsCell
                : rowsCell + " in " + Cells.count(groups) + (groups == 1 ? " group" : " groups");
    }

    /**
     * Formats fits as an aligned table: {@code family, matrix, metric, models, m range, slope +- stderr,
     * 95% interval, r2}, the predicted slope and whether the interval holds it.
     */
    public static String formatFits(List<FitRow> fits) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"family", "matrix", "metric", "models", "m", "slope", "stderr", "95% interval", "r2",
            "predicted", "holds"});
        for (FitRow f : fits) {
            if (f.metric().equals("loss_offset")) {
                continue; // one per (family, dataset): fits.csv has them; the terminal keeps to slopes
            }
            lines.add(new String[] {f.family(), f.matrix(), f.metric(), Integer.toString(f.nModels()),
                f.mMin() + ".." + f.mMax(), num(f.slope()), num(f.slopeStderr()),
                Double.isNaN(f.slopeCiLow()) ? "-" : "[" + num(f.slopeCiLow()) + ", " + num(f.slopeCiHigh()) + "]",
                num(f.r2()), num(f.predictedSlope()), f.consistentWithPrediction().map(String::valueOf).orElse("-")});
        }
        return align(lines, 3);
    }

    /**
     * Pads every column to its widest cell: the first {@code leftColumns} left-aligned, the rest
     * right-aligned. Cells are names from models.yaml or models.csv, so each is escaped for the terminal
     * and cut to {@value #MAX_CELL} characters: one long name must not widen every line (models.csv keeps
     * it whole).
     */
    private static String align(List<String[]> raw, int leftColumns) {
        List<String[]> lines = new ArrayList<>(raw.size());
        for (String[] line : raw) {
            String[] shown = new String[line.length];
            for (int i = 0; i < line.length; i++) {
                shown[i] = TerminalText.safe(line[i], MAX_CELL);
            }
            lines.add(shown);
        }
        StringBuilder b = new StringBuilder();
        TextColumns.align(lines, i -> i < leftColumns).forEach(line -> b.append(line).append('\n'));
        return b.toString();
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
