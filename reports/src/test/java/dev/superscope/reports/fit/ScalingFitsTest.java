package dev.superscope.reports.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.reports.ModelResult;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

class ScalingFitsTest {

    @TempDir
    Path dir;

    private static ModelResult row(String model, String family, String matrix, int m, Object... metrics) {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < metrics.length; i += 2) {
            map.put((String) metrics[i], ((Number) metrics[i + 1]).doubleValue());
        }
        return new ModelResult(model, family, "gpt2", matrix, true, 50257, m, "F32", OptionalInt.empty(),
                OptionalInt.empty(), 0, "all", "", "", "", map);
    }

    @Test
    void recoversAnExactPowerLaw() {
        int[] widths = {1024, 64, 256, 128, 512}; // unsorted on purpose
        List<ModelResult> rows = new ArrayList<>();
        for (int m : widths) {
            rows.add(row("w" + m, "toy", "unembedding", m, "msq_overlap", 0.8 * Math.pow(m, -1.0),
                    "msq_overlap_centered", 3.0 * Math.pow(m, -0.85)));
        }
        List<FitRow> fits = ScalingFits.fit(rows, ScalingFits.DEFAULT_METRICS);
        assertEquals(2, fits.size());
        FitRow raw = fits.get(0);
        assertEquals("msq_overlap", raw.metric());
        assertEquals(5, raw.nModels());
        assertEquals(64, raw.mMin());
        assertEquals(1024, raw.mMax());
        assertEquals(-1.0, raw.slope(), 1e-12);
        assertEquals(Math.log(0.8), raw.intercept(), 1e-11);
        assertEquals(1.0, raw.r2(), 1e-12);
        assertEquals(0, raw.slopeStderr(), 1e-12);
        assertEquals(0.8 / 300, raw.predictAt(300), 1e-14);
        FitRow centered = fits.get(1);
        assertEquals(-0.85, centered.slope(), 1e-12);
        assertEquals(Math.log(3.0), centered.intercept(), 1e-11);
        assertEquals(Optional.of(false), centered.consistentWithPrediction());
        assertEquals(List.of(), ScalingFits.notes(fits));
    }

    @Test
    void noisyPowerLawIsRecoveredWithinItsStandardError() {
        Random random = new Random(7);
        List<ModelResult> rows = new ArrayList<>();
        for (int m = 64; m <= 8192; m *= 2) {
            double noise = Math.exp(0.05 * random.nextGaussian());
            rows.add(row("m" + m, "toy", "unembedding", m, "msq_overlap", 1.3 / m * noise));
        }
        FitRow fit = ScalingFits.fit(rows, List.of("msq_overlap")).get(0);
        assertEquals(8, fit.nModels());
        assertTrue(fit.slopeStderr() > 0 && fit.slopeStderr() < 0.05, "stderr " + fit.slopeStderr());
        assertTrue(Math.abs(fit.slope() + 1) < 3 * fit.slopeStderr(), fit.slope() + " +- " + fit.slopeStderr());
        assertTrue(fit.r2() > 0.99);
        double half = StudentT.quantile(0.975, 6) * fit.slopeStderr();
        assertEquals(fit.slope() - half, fit.slopeCiLow(), 1e-12);
        assertEquals(fit.slope() + half, fit.slopeCiHigh(), 1e-12);
        assertEquals(Optional.of(fit.slopeCiLow() <= -1 && -1 <= fit.slopeCiHigh()), fit.consistentWithPrediction());
    }

    @Test
    void groupsByFamilyAndMatrixAndSkipsWhatHasNoLogarithm() {
        List<ModelResult> rows = List.of(
                row("p1", "pythia", "unembedding", 512, "msq_overlap", 0.004),
                row("p2", "pythia", "unembedding", 1024, "msq_overlap", 0.002),
                row("p3", "pythia", "unembedding", 2048, "msq_overlap", 0.0),
                row("p4", "pythia", "unembedding", 4096),
                row("p1", "pythia", "embedding", 512, "msq_overlap", 0.004),
                row("g1", "gpt2", "embedding", 768, "msq_overlap", -1e-3),
                row("g1", "gpt2", "unembedding", 768, "msq_overlap", 0.0015),
                row("o1", "opt", "unembedding", 768, "msq_overlap", 0.0015),
                row("o2", "opt", "unembedding", 768, "msq_overlap", 0.0016));
        List<FitRow> fits = ScalingFits.fit(rows, List.of("msq_overlap"));
        assertEquals(List.of("gpt2/unembedding", "gpt2/embedding", "opt/unembedding", "pythia/unembedding",
                "pythia/embedding"), fits.stream().map(f -> f.family() + "/" + f.matrix()).toList());

        FitRow gpt2Emb = fits.get(1);
        assertEquals(0, gpt2Emb.nModels());
        assertEquals(List.of("g1"), gpt2Emb.skippedModels());
        FitRow opt = fits.get(2);
        assertEquals(2, opt.nModels());
        assertTrue(Double.isNaN(opt.slope()), "one width only");
        FitRow pythia = fits.get(3);
        assertEquals(2, pythia.nModels());
        assertEquals(List.of("p3", "p4"), pythia.skippedModels());
        assertEquals(-1.0, pythia.slope(), 1e-12);
        assertEquals(1.0, pythia.r2(), 1e-12);
        assertTrue(Double.isNaN(pythia.slopeStderr()));
        assertEquals(Optional.empty(), pythia.consistentWithPrediction());

        assertEquals(List.of(
                "fit of msq_overlap (gpt2, unembedding): 1 usable model(s), no fit",
                "fit of msq_overlap (gpt2, embedding): left out g1 (value missing or not positive, no logarithm)",
                "fit of msq_overlap (gpt2, embedding): 0 usable model(s), no fit",
                "fit of msq_overlap (opt, unembedding): every model has the same width, no fit",
                "fit of msq_overlap (pythia, unembedding): left out p3, p4 (value missing or not positive, no logarithm)",
                "fit of msq_overlap (pythia, unembedding): only 2 models, slope without standard error or interval",
                "fit of msq_overlap (pythia, embedding): 1 usable model(s), no fit"), ScalingFits.notes(fits));
    }

    @Test
    void fitsCsvHasExactlyTheContractColumns() throws IOException {
        List<ModelResult> rows = new ArrayList<>();
        for (int m : new int[] {64, 128, 256}) {
            rows.add(row("a" + m, "fam,ily", "unembedding", m, "msq_overlap", 2.0 / m * (m == 128 ? 1.1 : 1)));
        }
        rows.add(row("b", "solo", "unembedding", 64));
        Path file = dir.resolve("fits.csv");
        List<FitRow> fits = ScalingFits.fit(rows, List.of("msq_overlap"));
        FitsCsv.write(file, fits);
        List<CSVRecord> records;
        try (CSVParser p = CSVParser.parse(new StringReader(Files.readString(file)), CSVFormat.RFC4180)) {
            records = p.getRecords();
        }
        assertEquals(List.of("family", "matrix", "metric", "n_models", "m_min", "m_max", "slope", "slope_stderr",
                "slope_ci_low", "slope_ci_high", "r2", "predicted_slope", "consistent_with_prediction", "intercept",
                "dataset", "fit_family", "n_points", "A", "A_stderr", "alpha", "alpha_stderr", "offset",
                "offset_stderr"), records.get(0).toList());
        FitRow f = fits.get(0);
        assertEquals(List.of("fam,ily", "unembedding", "msq_overlap", "3", "64", "256", Double.toString(f.slope()),
                Double.toString(f.slopeStderr()), Double.toString(f.slopeCiLow()), Double.toString(f.slopeCiHigh()),
                Double.toString(f.r2()), "-1.0", "true", Double.toString(f.intercept()), "", "", "", "", "", "", "",
                "", ""), records.get(1).toList());
        assertEquals(List.of("solo", "unembedding", "msq_overlap", "0", "", "", "", "", "", "", "", "-1.0", "", "", "",
                "", "", "", "", "", "", "", ""), records.get(2).toList());
        assertEquals(3, records.size());
    }
}
