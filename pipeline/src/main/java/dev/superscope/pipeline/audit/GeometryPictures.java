package dev.superscope.pipeline.audit;

import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.reports.plot.CosinePlot;
import dev.superscope.reports.plot.NormHistogram;
import dev.superscope.reports.plot.NormsPlot;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The per-model pictures of an audit, from what the analyzers already returned (nothing is computed
 * again): {@code norms_<model>.png} when {@code norms} ran, with the collapsed rows marked when
 * {@code pairwise} ran too, and {@code cosines_<model>.png} when {@code pairwise} ran. Both show the first
 * matrix measured, the unembedding before the embedding.
 */
final class GeometryPictures {
    private GeometryPictures() {
    }

    /** Whether an audit running {@code analyzers} draws pictures (norms or pairwise give their data). */
    static boolean drawnFor(List<String> analyzers) {
        return analyzers.contains("norms") || analyzers.contains("pairwise");
    }

    /** Writes the pictures the results allow into {@code outDir}; none when no analyzer gave their data. */
    static void write(Path outDir, String modelName, LoadedModel model, Map<MatrixKind, List<AnalysisResult>> byMatrix,
                      AnalysisOptions options) {
        Map<MatrixKind, List<AnalysisResult>> ordered = new EnumMap<>(MatrixKind.class);
        ordered.putAll(byMatrix);
        for (Map.Entry<MatrixKind, List<AnalysisResult>> e : ordered.entrySet()) {
            String matrix = e.getKey().label();
            Optional<double[]> norms = perToken(e.getValue(), "norm");
            Optional<double[]> nearest = perToken(e.getValue(), "nearest_cos");
            if (norms.isPresent()) {
                NormHistogram h = NormHistogram.of(norms.get(), nearest.orElse(null), options.collapseThreshold(),
                        model.tokenizerVocab(), options.tau(), NormHistogram.BINS);
                NormsPlot.write(NormsPlot.fileFor(outDir, modelName), modelName, matrix, h,
                        options.collapseThreshold(), NormsPlot.WIDTH, NormsPlot.HEIGHT);
            }
            Optional<double[]> counts = series(e.getValue(), "cosine_histogram");
            Optional<double[]> edges = series(e.getValue(), "cosine_histogram_edges");
            if (counts.isPresent() && edges.isPresent()) {
                CosinePlot.write(CosinePlot.fileFor(outDir, modelName), modelName, matrix, counts.get(), edges.get(),
                        options.collapseThreshold(), CosinePlot.WIDTH, CosinePlot.HEIGHT);
            }
            if (norms.isPresent() || counts.isPresent()) {
                return;
            }
        }
    }

    private static Optional<double[]> perToken(List<AnalysisResult> results, String column) {
        return results.stream().filter(r -> r.perToken().containsKey(column)).map(r -> r.perToken().get(column))
                .findFirst();
    }

    private static Optional<double[]> series(List<AnalysisResult> results, String name) {
        return results.stream().filter(r -> r.series().containsKey(name)).map(r -> r.series().get(name)).findFirst();
    }
}
