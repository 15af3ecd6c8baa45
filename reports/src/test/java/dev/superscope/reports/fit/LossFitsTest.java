package dev.superscope.reports.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.reports.ModelResult;
import dev.superscope.reports.fit.JointLossFit.Group;
import dev.superscope.reports.fit.JointLossFit.LossPoint;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

class LossFitsTest {

    private static final String[] FAMILIES = {"gpt2", "opt", "pythia"};
    private static final String[] DATASETS = {"pile", "wiki"};
    /** Each family has its own five widths, as real families do. */
    private static final int[][] WIDTHS = {{128, 256, 512, 1024, 2048}, {96, 192, 384, 768, 1536},
        {160, 320, 640, 1280, 2560}};

    private static double offset(int f, int d) {
        return 1.5 + 0.4 * f + 0.7 * d;
    }

    private static ModelResult row(String model, String family, String matrix, int m, Map<String, Double> metrics) {
        return new ModelResult(model, family, "l", matrix, false, 50000, m, "F32", OptionalInt.empty(),
                OptionalInt.empty(), 0, "all", "", "", "", metrics);
    }

    /** 3 families x 5 widths, each with a loss on 2 datasets (plus an overlap metric that is not a loss). */
    private static List<ModelResult> synthetic(double a, double alpha, double sigma, Random random) {
        List<ModelResult> rows = new ArrayList<>();
        for (int f = 0; f < FAMILIES.length; f++) {
            for (int m : WIDTHS[f]) {
                Map<String, Double> metrics = new LinkedHashMap<>();
                metrics.put("msq_overlap", 1.0 / m);
                for (int d = 0; d < DATASETS.length; d++) {
                    double noise = sigma == 0 ? 0 : sigma * random.nextGaussian();
                    metrics.put("loss_" + DATASETS[d], a * Math.pow(m, -alpha) + offset(f, d) + noise);
                }
                rows.add(row(FAMILIES[f] + "-" + m, FAMILIES[f], "unembedding", m, metrics));
            }
        }
        return rows;
    }

    @Test
    void recoversAAlphaAndTheOffsetsExactlyFromNoiseFreeLosses() {
        List<ModelResult> rows = synthetic(42.0, 0.73, 0, null);
        LossFits.Outcome out = LossFits.analyse(rows);
        assertEquals(List.of(), out.notes());
        // joint: 1 fit row + 6 offsets; per family: 3 x (1 + 2)
        assertEquals(16, out.rows().size());
        FitRow joint = out.rows().get(0);
        assertEquals(LossFits.ALL, joint.family());
        assertEquals("-", joint.matrix());
        assertEquals("loss", joint.metric());
        assertEquals(15, joint.nModels());
        assertEquals(30, joint.loss().nPoints());
        assertEquals(96, joint.mMin());
        assertEquals(2560, joint.mMax());
        assertEquals(0.73, joint.loss().alpha(), 1e-10);
        assertEquals(-0.73, joint.slope(), 1e-10);
        assertEquals(42.0, joint.loss().a(), 1e-8);
        assertEquals(Math.log(42.0), joint.intercept(), 1e-10);
        assertEquals(1.0, joint.r2(), 1e-12);
        assertTrue(joint.slopeStderr() < 1e-8, "no noise, no error: " + joint.slopeStderr());
        assertEquals(-0.91, joint.predictedSlope());
        assertEquals(Optional.of(false), joint.consistentWithPrediction());
        for (int f = 0; f < 3; f++) {
            for (int d = 0; d < 2; d++) {
                FitRow o = out.rows().get(1 + 2 * f + d);
                assertEquals("loss_offset", o.metric());
                assertEquals(FAMILIES[f], o.family());
                assertEquals(DATASETS[d], o.loss().dataset());
                assertEquals(LossFits.ALL, o.loss().fitFamily());
                assertEquals(5, o.nModels());
                assertEquals(5, o.loss().nPoints());
                assertEquals(WIDTHS[f][0], o.mMin());
                assertEquals(offset(f, d), o.loss().offset(), 1e-10);
                assertTrue(Double.isNaN(o.slope()));
            }
        }
        for (int f = 0; f < 3; f++) {
            FitRow fam = out.rows().get(7 + 3 * f);
            assertEquals(FAMILIES[f], fam.family());
            assertEquals("loss", fam.metric());
            assertEquals(FAMILIES[f], fam.loss().fitFamily());
            assertEquals(10, fam.loss().nPoints());
            assertEquals(0.73, fam.loss().alpha(), 1e-9);
            assertEquals(42.0, fam.loss().a(), 1e-7);
            assertEquals(offset(f, 1), out.rows().get(9 + 3 * f).loss().offset(), 1e-9);
        }
    }

    /** Losses that follow the paper's fit (alpha 0.91) with Gaussian noise of 0.02 nats, 200 seeds. */
    @Test
    void alphaIsWithinItsStandardErrorOfTheTruthAsOftenAsItShouldBe() {
        int seeds = 200;
        int within1 = 0;
        int within2 = 0;
        int intervalHolds = 0;
        double sumSq = 0;
        double sumSe = 0;
        for (int seed = 0; seed < seeds; seed++) {
            FitRow joint = LossFits.fit(synthetic(300.0, 0.91, 0.02, new Random(seed))).get(0);
            double err = joint.loss().alpha() - 0.91;
            double se = joint.loss().alphaStderr();
            if (Math.abs(err) <= se) {
                within1++;
            }
            if (Math.abs(err) <= 2 * se) {
                within2++;
            }
            if (joint.consistentWithPrediction().orElseThrow()) {
                intervalHolds++;
            }
            sumSq += err * err;
            sumSe += se;
        }
        // A normal estimate lies within one standard error 68% of the time, within two 95%.
        assertTrue(within1 >= 0.60 * seeds, "truth within 1 stderr in " + within1 + " of " + seeds);
        assertTrue(within2 >= 0.90 * seeds, "truth within 2 stderr in " + within2 + " of " + seeds);
        assertTrue(intervalHolds >= 0.90 * seeds, "95% interval holds 0.91 in " + intervalHolds + " of " + seeds);
        // The stderr must also not be inflated: it matches the spread of alpha over the seeds.
        double spread = Math.sqrt(sumSq / seeds);
        double meanSe = sumSe / seeds;
        assertTrue(meanSe > 0.75 * spread && meanSe < 1.33 * spread, "mean stderr " + meanSe + " vs spread " + spread);
    }

    @Test
    void standardErrorsMatchAFiniteDifferenceJacobian() {
        List<LossPoint> points = LossFits.points(synthetic(300.0, 0.91, 0.05, new Random(11)));
        JointLossFit fit = JointLossFit.fit(points);
        List<Group> groups = fit.groups();
        int p = fit.parameters();
        int n = points.size();
        double[] theta = new double[p];
        theta[0] = fit.a();
        theta[1] = fit.alpha();
        System.arraycopy(fit.offsets(), 0, theta, 2, groups.size());
        double[][] j = new double[n][p];
        double rss = 0;
        for (int i = 0; i < n; i++) {
            LossPoint pt = points.get(i);
            double r = pt.loss() - model(theta, groups.indexOf(pt.group()), pt.m());
            rss += r * r;
            for (int k = 0; k < p; k++) {
                double h = 1e-6 * Math.max(1, Math.abs(theta[k]));
                double[] up = theta.clone();
                double[] down = theta.clone();
                up[k] += h;
                down[k] -= h;
                int g = groups.indexOf(pt.group());
                j[i][k] = (model(up, g, pt.m()) - model(down, g, pt.m())) / (2 * h);
            }
        }
        assertEquals(rss, fit.rss(), 1e-12 * Math.max(1, rss));
        double[][] jtj = new double[p][p];
        for (double[] row : j) {
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < p; b++) {
                    jtj[a][b] += row[a] * row[b];
                }
            }
        }
        double[][] cov = gaussJordanInverse(jtj);
        double s2 = rss / (n - p);
        assertEquals(Math.sqrt(s2 * cov[0][0]), fit.aStderr(), 1e-5 * fit.aStderr());
        assertEquals(Math.sqrt(s2 * cov[1][1]), fit.alphaStderr(), 1e-5 * fit.alphaStderr());
        for (int g = 0; g < groups.size(); g++) {
            assertEquals(Math.sqrt(s2 * cov[2 + g][2 + g]), fit.offsetStderr(groups.get(g)),
                    1e-5 * fit.offsetStderr(groups.get(g)));
        }
        // The optimum: the gradient J^T r vanishes (relative to its scale).
        for (int k = 0; k < p; k++) {
            double grad = 0;
            double scale = 0;
            for (int i = 0; i < n; i++) {
                LossPoint pt = points.get(i);
                double r = pt.loss() - model(theta, groups.indexOf(pt.group()), pt.m());
                grad += j[i][k] * r;
                scale += Math.abs(j[i][k]) * Math.sqrt(rss / n);
            }
            assertTrue(Math.abs(grad) < 1e-6 * scale, "gradient " + k + " = " + grad);
        }
    }

    private static double model(double[] theta, int group, int m) {
        return theta[0] * Math.pow(m, -theta[1]) + theta[2 + group];
    }

    private static double[][] gaussJordanInverse(double[][] matrix) {
        int p = matrix.length;
        double[][] a = new double[p][2 * p];
        for (int i = 0; i < p; i++) {
            System.arraycopy(matrix[i], 0, a[i], 0, p);
            a[i][p + i] = 1;
        }
        for (int c = 0; c < p; c++) {
            int pivot = c;
            for (int r = c + 1; r < p; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
                    pivot = r;
                }
            }
            double[] t = a[c];
            a[c] = a[pivot];
            a[pivot] = t;
            double d = a[c][c];
            for (int k = 0; k < 2 * p; k++) {
                a[c][k] /= d;
            }
            for (int r = 0; r < p; r++) {
                if (r != c) {
                    double f = a[r][c];
                    for (int k = 0; k < 2 * p; k++) {
                        a[r][k] -= f * a[c][k];
                    }
                }
            }
        }
        double[][] inv = new double[p][p];
        for (int i = 0; i < p; i++) {
            System.arraycopy(a[i], p, inv[i], 0, p);
        }
        return inv;
    }

    @Test
    void oneWidthOnlyGivesNoRowButANote() {
        List<ModelResult> rows = new ArrayList<>();
        for (String family : FAMILIES) {
            for (int k = 0; k < 3; k++) {
                rows.add(row(family + k, family, "unembedding", 768, Map.of("loss_pile", 3.0 + 0.1 * k)));
            }
        }
        LossFits.Outcome out = LossFits.analyse(rows);
        assertEquals(List.of(), out.rows());
        assertEquals(4, out.notes().size(), out.notes().toString());
        assertEquals("joint fit of loss over every family: every (family, dataset) group has a single width; A and"
                + " alpha are not determined; no fit", out.notes().get(0));
    }

    @Test
    void tooFewPointsGiveNoRowButANoteWhileTheOtherFitsStand() {
        List<ModelResult> rows = new ArrayList<>(synthetic(42.0, 0.73, 0, null));
        // A fourth family with three losses on one dataset: 3 points for 3 parameters.
        for (int m : new int[] {512, 1024, 2048}) {
            rows.add(row("q" + m, "qwen", "unembedding", m, Map.of("loss_pile", 42.0 * Math.pow(m, -0.73) + 2)));
        }
        LossFits.Outcome out = LossFits.analyse(rows);
        assertEquals(List.of("fit of loss (qwen): 3 losses for 3 parameters (A, alpha and 1 offset(s)); at least 4"
                + " are needed; no fit"), out.notes());
        FitRow joint = out.rows().get(0);
        assertEquals(33, joint.loss().nPoints());
        assertEquals(0.73, joint.loss().alpha(), 1e-9);
        assertEquals(2.0, out.rows().stream().filter(r -> r.family().equals("qwen")
                && r.loss().fitFamily().equals("all")).findFirst().orElseThrow().loss().offset(), 1e-9);
        assertTrue(out.rows().stream().noneMatch(r -> r.loss().fitFamily().equals("qwen")));

        assertThrows(IllegalArgumentException.class, () -> JointLossFit.fit(List.of()));
    }

    @Test
    void flatLossesDoNotDetermineAlpha() {
        List<ModelResult> rows = new ArrayList<>();
        for (int m : new int[] {128, 256, 512, 1024, 2048}) {
            rows.add(row("t" + m, "toy", "unembedding", m, Map.of("loss_pile", 3.25)));
        }
        LossFits.Outcome out = LossFits.analyse(rows);
        assertEquals(List.of(), out.rows());
        assertEquals(2, out.notes().size());
        assertTrue(out.notes().get(0).startsWith("joint fit of loss over every family: the best alpha lies at the end"),
                out.notes().get(0));
    }

    @Test
    void eachModelCountsOnceWithTheWidthOfItsHead() {
        List<ModelResult> rows = new ArrayList<>();
        for (int m : new int[] {128, 256, 512, 1024, 2048}) {
            Map<String, Double> losses = Map.of("loss_pile", 42.0 * Math.pow(m, -0.5) + 2, "loss_", 9.0,
                    "loss_wiki", Double.NaN);
            // The embedding row (listed first) has another width, as OPT-350m's projections do.
            rows.add(row("t" + m, "toy", "embedding", m / 2, losses));
            rows.add(row("t" + m, "toy", "unembedding", m, losses));
        }
        rows.add(row("inf", "toy", "unembedding", 4096, Map.of("loss_pile", Double.POSITIVE_INFINITY)));
        List<LossPoint> points = LossFits.points(rows);
        assertEquals(5, points.size());
        assertEquals(128, points.get(0).m());
        LossFits.Outcome out = LossFits.analyse(rows);
        assertEquals(List.of("fit of loss: left out inf on pile (loss Infinity, m 4096)"), out.notes());
        assertEquals(0.5, out.rows().get(0).loss().alpha(), 1e-10);
        assertEquals(5, out.rows().get(0).nModels());
    }

    @Test
    void noLossesNoRows() {
        LossFits.Outcome out = LossFits.analyse(List.of(row("a", "f", "unembedding", 64, Map.of("msq_overlap", 0.1))));
        assertEquals(List.of(), out.rows());
        assertEquals(List.of(), out.notes());
    }

    /** Asserts that each named cell of {@code record} holds the text given for it. */
    private static void assertCells(CSVRecord record, Map<String, String> cells) {
        cells.forEach((column, text) -> assertEquals(text, record.get(column), column));
    }

    @Test
    void fitsCsvCarriesTheLossTermsInTheAddedColumns() throws IOException {
        List<ModelResult> rows = synthetic(42.0, 0.73, 0, null);
        List<FitRow> fits = new ArrayList<>(ScalingFits.fit(rows, List.of("msq_overlap")));
        fits.addAll(LossFits.fit(rows));
        StringBuilder csv = new StringBuilder();
        FitsCsv.print(csv, fits);
        List<CSVRecord> records;
        try (CSVParser p = CSVParser.parse(new StringReader(csv.toString()),
                CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build())) {
            assertEquals(FitsCsv.COLUMNS, p.getHeaderNames());
            records = p.getRecords();
        }
        assertEquals(3 + 16, records.size());
        CSVRecord overlap = records.get(0);
        assertEquals("msq_overlap", overlap.get("metric"));
        assertEquals(Double.toString(fits.get(0).intercept()), overlap.get("intercept"));
        assertEquals("", overlap.get("fit_family"));
        assertEquals("", overlap.get("A"));
        CSVRecord joint = records.get(3);
        assertCells(joint, Map.of("family", "all", "matrix", "-", "metric", "loss", "n_points", "30",
                "predicted_slope", "-0.91"));
        assertEquals(0.73, Double.parseDouble(joint.get("alpha")), 1e-10);
        assertEquals(-Double.parseDouble(joint.get("alpha")), Double.parseDouble(joint.get("slope")));
        assertEquals(42.0, Double.parseDouble(joint.get("A")), 1e-8);
        assertEquals("", joint.get("offset"));
        CSVRecord offset = records.get(4);
        assertCells(offset, Map.of("family", "gpt2", "metric", "loss_offset", "dataset", "pile", "fit_family", "all",
                "slope", "", "consistent_with_prediction", ""));
        assertEquals(offset(0, 0), Double.parseDouble(offset.get("offset")), 1e-10);
        assertEquals(joint.get("alpha"), offset.get("alpha"));
        // The loss rows leave the overlap notes alone.
        assertEquals(List.of(), ScalingFits.notes(fits));
    }
}
