package dev.superscope.cli;

import dev.superscope.analyzers.EngineWarmUp;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.Analyzer;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ResultStore;
import dev.superscope.reports.RowSelection;
import dev.superscope.reports.SummaryTable;
import dev.superscope.reports.TokensCsv;
import dev.superscope.reports.fit.FitRow;
import dev.superscope.reports.fit.FitsCsv;
import dev.superscope.reports.fit.LossFits;
import dev.superscope.reports.plot.LossPlot;
import dev.superscope.reports.fit.ScalingFits;
import dev.superscope.reports.plot.OverlapPlot;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The pipeline behind {@code analyze}, {@code run} and {@code demo}: for each target, open the checkpoint,
 * let its loader pick the matrices, run the analyzers on each requested matrix, and record the rows in the
 * output directory's result store (models.csv and tokens/, rewritten atomically after every model, so an
 * interrupted run resumes). Then fit every family against m and draw the plot.
 */
final class AuditRun {

    /**
     * One checkpoint to audit.
     *
     * @param name     the name in the reports
     * @param family   models of one family are fitted together
     * @param location a directory, a file or a hub id
     * @param loader   a loader name, or null to detect it
     * @param losses   losses measured elsewhere, by dataset (become loss_&lt;dataset&gt; columns)
     */
    record Target(String name, String family, String location, String loader, Map<String, Double> losses) {
    }

    private final Plugins plugins;
    private final AnalysisSettings settings;
    private final Progress progress;
    private final PrintWriter out;

    AuditRun(Plugins plugins, AnalysisSettings settings, Progress progress, PrintWriter out) {
        this.plugins = plugins;
        this.settings = settings;
        this.progress = progress;
        this.out = out;
    }

    /**
     * Audits every target into {@code outDir}. A failing target is reported and the others go on; the
     * exit code is then that of the first failure. With {@code fit}, fits.csv and the plot are written.
     */
    int run(List<Target> targets, Path outDir, boolean force, boolean fit) {
        List<Analyzer> analyzers = settings.analyzers(plugins);
        List<MatrixKind> kinds = settings.kinds();
        RowSelection rows = settings.rowSelection();
        AnalysisOptions options = new AnalysisOptions(settings.tau, 4096, 200, Map.of());
        Set<String> required = new LinkedHashSet<>();
        analyzers.forEach(a -> required.addAll(a.metricNames()));

        List<String> failures = new ArrayList<>();
        int exitCode = 0;
        try (ResultStore store = ResultStore.open(outDir, force)) {
            store.notes().forEach(progress::note);
            for (int i = 0; i < targets.size(); i++) {
                Target target = targets.get(i);
                String prefix = "[" + (i + 1) + "/" + targets.size() + "] " + target.name();
                if (isDone(store, target, kinds, required)) {
                    progress.note(prefix + ": already in " + store.modelsCsv() + " (use --force to redo)");
                    continue;
                }
                try {
                    audit(target, prefix, store, analyzers, kinds, rows, options);
                } catch (SuperscopeException e) {
                    if (targets.size() == 1) {
                        throw e;
                    }
                    failures.add(target.name() + ": " + Main.oneLine(e.getMessage()));
                    progress.note("superscope: " + target.name() + ": " + Main.oneLine(e.getMessage()));
                    exitCode = exitCode == 0 ? e.exitCode() : exitCode;
                }
            }
            List<ModelResult> results = store.results();
            out.println();
            out.print(SummaryTable.format(results));
            if (fit) {
                writeFits(store, results);
            }
            out.println();
            out.println("wrote " + Main.safeLine(store.modelsCsv().toString())
                    + (fit ? ", " + FitsCsv.FILE_NAME + ", " + OverlapPlot.FILE_NAME : "") + " and " + TokensCsv.DIRECTORY + "/");
            out.flush();
        }
        if (!failures.isEmpty()) {
            progress.note(failures.size() + " of " + targets.size() + " models failed:");
            failures.forEach(f -> progress.note("  " + f));
        }
        return exitCode;
    }

    private static boolean isDone(ResultStore store, Target target, List<MatrixKind> kinds, Set<String> required) {
        for (MatrixKind kind : kinds) {
            if (!store.isComplete(target.name(), kind.label(), required)) {
                return false;
            }
        }
        return Files.exists(TokensCsv.fileFor(store.directory(), target.name()));
    }

    private void audit(Target target, String prefix, ResultStore store, List<Analyzer> analyzers,
                       List<MatrixKind> kinds, RowSelection rows, AnalysisOptions options) {
        progress.start(prefix + ": opening " + target.location());
        LoadedModel model = ModelOpener.load(target.location(), plugins, target.loader());
        EngineWarmUp.startFor(analyzers); // loads PyTorch during the row scan; see EngineWarmUp for why not sooner
        try {
            progress.done();
            model.warnings().forEach(w -> progress.note("warning: " + target.name() + ": " + w));
            Map<MatrixKind, List<AnalysisResult>> byMatrix = new LinkedHashMap<>();
            List<ModelResult> finished = new ArrayList<>();
            for (MatrixKind kind : kinds) {
                Matrix matrix = rows.apply(model, kind);
                List<AnalysisResult> results = sameTensorAnalysed(model, kind, byMatrix);
                if (results == null) {
                    results = new ArrayList<>();
                    for (Analyzer analyzer : analyzers) {
                        progress.start(prefix + " " + kind.label() + " " + matrix.rows() + " x " + matrix.cols()
                                + ": " + analyzer.name());
                        results.add(analyzer.analyze(matrix, options));
                        progress.done();
                    }
                }
                byMatrix.put(kind, results);
                ModelResult measured = ModelResult.of(target.name(), target.family(), model, kind, rows, results);
                finished.add(withLosses(keepEvaluations(measured, store.get(target.name(), kind.label())),
                        target.losses()));
            }
            progress.start(prefix + ": writing tokens");
            Optional<IntFunction<String>> tokens = TokenStrings.load(model.checkpoint().tokenizer(),
                    (int) Math.min(Integer.MAX_VALUE, model.unembedding().rows()));
            TokensCsv.write(TokensCsv.fileFor(store.directory(), target.name()), model, tokens.orElse(null), byMatrix);
            store.putAll(finished);
            progress.done();
        } finally {
            model.checkpoint().close();
        }
    }

    /** A tied head stored once is the embedding: measure it once, report it under both names. */
    private static List<AnalysisResult> sameTensorAnalysed(LoadedModel model, MatrixKind kind,
                                                           Map<MatrixKind, List<AnalysisResult>> done) {
        MatrixKind other = kind == MatrixKind.EMBEDDING ? MatrixKind.UNEMBEDDING : MatrixKind.EMBEDDING;
        boolean sameTensor = model.embedding() == model.unembedding()
                || model.embedding().name().equals(model.unembedding().name());
        return sameTensor ? done.get(other) : null;
    }

    /** Losses measured by {@code eval} are not the analyzers' to drop: a re-measured row keeps them. */
    private static ModelResult keepEvaluations(ModelResult measured, Optional<ModelResult> previous) {
        if (previous.isEmpty()) {
            return measured;
        }
        Map<String, Double> metrics = new LinkedHashMap<>(measured.metrics());
        previous.get().metrics().forEach((name, value) -> {
            if ((name.startsWith("loss_") || name.startsWith("top1_error_")) && !Double.isNaN(value)) {
                metrics.putIfAbsent(name, value);
            }
        });
        return measured.withMetrics(metrics);
    }

    private static ModelResult withLosses(ModelResult result, Map<String, Double> losses) {
        if (losses.isEmpty()) {
            return result;
        }
        Map<String, Double> metrics = new LinkedHashMap<>(result.metrics());
        losses.forEach((dataset, loss) -> metrics.put("loss_" + dataset, loss));
        return result.withMetrics(metrics);
    }

    private void writeFits(ResultStore store, List<ModelResult> results) {
        List<FitRow> fits = new ArrayList<>(ScalingFits.fit(results, ScalingFits.DEFAULT_METRICS));
        LossFits.Outcome loss = LossFits.analyse(results);
        fits.addAll(loss.rows());
        FitsCsv.write(store.file(FitsCsv.FILE_NAME), fits);
        ScalingFits.notes(fits).forEach(progress::note);
        loss.notes().forEach(progress::note);
        if (!loss.rows().isEmpty()) {
            LossPlot.write(store.file(LossPlot.FILE_NAME), results, fits);
        }
        boolean anyHead = results.stream().anyMatch(r -> r.matrix().equals(MatrixKind.UNEMBEDDING.label()));
        String matrix = anyHead ? MatrixKind.UNEMBEDDING.label() : MatrixKind.EMBEDDING.label();
        OverlapPlot.write(store.file(OverlapPlot.FILE_NAME), results, fits, matrix, OverlapPlot.WIDTH, OverlapPlot.HEIGHT);
        out.println();
        out.println("Fits of log(metric) against log(m), per family (the 1/m prediction is slope -1; loss: slope = -alpha, predicted -0.91):");
        out.print(SummaryTable.formatFits(fits));
    }

}
