package dev.superscope.pipeline.audit;

import dev.superscope.pipeline.ModelResolver;
import dev.superscope.pipeline.ProgressListener;
import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.compute.BackendChoice;
import dev.superscope.pipeline.compute.StartingBackend;
import dev.superscope.pipeline.tokens.TokenStrings;
import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.Analyzer;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ResultStore;
import dev.superscope.reports.TokensCsv;
import dev.superscope.reports.fit.FitRow;
import dev.superscope.reports.fit.FitsCsv;
import dev.superscope.reports.fit.LossFits;
import dev.superscope.reports.fit.ScalingFits;
import dev.superscope.reports.plot.ChartWarmUp;
import dev.superscope.reports.plot.LossPlot;
import dev.superscope.reports.plot.OverlapPlot;
import dev.superscope.reports.plot.StepPlot;
import dev.superscope.reports.sweep.SweepFits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The audit behind {@code analyze}, {@code run} and {@code demo}: for each target, open the checkpoint,
 * let its architecture pick the matrices, run the analyzers on each requested matrix, and record the rows
 * in the output directory's result store (models.csv and tokens/, rewritten atomically after every
 * model, so an interrupted run resumes). Then fit every family against m and draw the plots.
 */
public final class Audit {
    private final ModelResolver resolver;
    private final AuditSettings settings;
    private final ProgressListener progress;
    private final MatrixPreparation preparation;

    public Audit(ModelResolver resolver, AuditSettings settings, ProgressListener progress) {
        this(resolver, settings, progress, MatrixPreparation.NONE);
    }

    /** An audit whose matrices are prepared by {@code preparation} before their analyzers run. */
    public Audit(ModelResolver resolver, AuditSettings settings, ProgressListener progress,
                 MatrixPreparation preparation) {
        this.resolver = resolver;
        this.settings = settings;
        this.progress = progress;
        this.preparation = preparation;
    }

    /**
     * Audits every target into {@code outDir}. A failing target is reported and the others go on (one
     * target alone throws its error). With {@code fit}, fits.csv and the plots are written.
     *
     * @param force measure targets already complete in {@code outDir} again
     */
    public AuditOutcome run(List<Target> targets, Path outDir, boolean force, boolean fit) {
        analyzers(); // unknown analyzer names are a usage error before anything is opened
        List<String> failures = new ArrayList<>();
        int exitCode = 0;
        try (ResultStore store = ResultStore.open(outDir, force); StartingBackend backend = startingBackend()) {
            if (backend != null) {
                backend.startEarly();
            }
            if (GeometryPictures.drawnFor(settings.analyzers()) || fit) {
                ChartWarmUp.startInBackground();
            }
            store.notes().forEach(progress::note);
            for (int i = 0; i < targets.size(); i++) {
                Target target = targets.get(i);
                String prefix = "[" + (i + 1) + "/" + targets.size() + "] " + target.name();
                if (isDone(store, target)) {
                    progress.note(prefix + ": already in " + store.modelsCsv() + " (use --force to redo)");
                    continue;
                }
                try {
                    List<ModelResult> rows = measure(target, prefix, backend, store.directory());
                    commit(store, rows);
                } catch (SuperscopeException e) {
                    if (targets.size() == 1) {
                        throw e;
                    }
                    String line = target.name() + ": " + oneLine(e.getMessage());
                    failures.add(line);
                    progress.note("superscope: " + line);
                    exitCode = exitCode == 0 ? e.exitCode() : exitCode;
                }
            }
            return finish(store, failures, exitCode, fit);
        }
    }

    /** The metrics every audited matrix must have for its model to count as done. */
    public Set<String> requiredMetrics() {
        Set<String> required = new LinkedHashSet<>();
        analyzers().forEach(a -> required.addAll(a.metricNames()));
        return required;
    }

    /** True when {@code store} holds every requested matrix of {@code target} and its token table. */
    public boolean isDone(ResultStore store, Target target) {
        Set<String> required = requiredMetrics();
        for (MatrixKind kind : settings.kinds()) {
            if (!store.isComplete(target.name(), kind.label(), required)) {
                return false;
            }
        }
        return Files.exists(TokensCsv.fileFor(store.directory(), target.name()));
    }

    /**
     * The backend these settings compute on, not yet started (it starts once a checkpoint is open), or
     * null when no analyzer computes on one; the caller closes it.
     */
    public StartingBackend startingBackend() {
        boolean computes = analyzers().stream().anyMatch(Analyzer::usesBackend);
        return computes ? new StartingBackend(BackendChoice.choose(resolver.plugins(), settings.compute()),
                settings.compute().backendSettings()) : null;
    }

    /**
     * Measures one target: opens it, runs the analyzers on each requested matrix, writes its token table
     * (atomically) and its pictures into {@code outDir}, and returns its rows of models.csv, not yet
     * recorded anywhere.
     *
     * @param prefix  how progress names the target, e.g. "[3/27] gpt2-large"
     * @param backend from {@link #startingBackend()} (null when no analyzer computes)
     */
    public List<ModelResult> measure(Target target, String prefix, StartingBackend backend, Path outDir) {
        List<Analyzer> analyzers = analyzers();
        progress.start(prefix + ": opening " + target.location());
        LoadedModel model = resolver.load(target);
        if (backend != null) {
            backend.startInBackground(); // loads the backend during the row scan; see StartingBackend
        }
        try {
            // A model without the matrix asked for fails here, before the step is reported done.
            List<MatrixKind> kinds = kindsOf(model, target);
            progress.done();
            model.warnings().forEach(w -> progress.note("warning: " + target.name() + ": " + w));
            AnalysisOptions options = settings.analysisOptions();
            Map<MatrixKind, List<AnalysisResult>> byMatrix = new LinkedHashMap<>();
            List<ModelResult> finished = new ArrayList<>();
            for (MatrixKind kind : kinds) {
                Matrix matrix = settings.rows().apply(model, kind);
                List<AnalysisResult> results = sameTensorAnalysed(model, kind, byMatrix);
                if (results == null) {
                    results = new ArrayList<>();
                    AnalysisContext context = new AnalysisContext(options, backend != null ? backend : Audit::noBackend);
                    preparation.prepare(target, kind, matrix, context);
                    for (Analyzer analyzer : analyzers) {
                        progress.start(prefix + " " + kind.label() + " " + matrix.rows() + " x " + matrix.cols()
                                + ": " + analyzer.name());
                        results.add(analyzer.analyze(matrix, context));
                        progress.done();
                    }
                }
                byMatrix.put(kind, results);
                ModelResult measured = ModelResult.of(target.name(), target.family(), model, kind, settings.rows(),
                        results);
                finished.add(withLosses(measured, target.losses()).withRevision(target.revision())
                        .withPrecision(backend != null ? settings.compute().precision().label() : ""));
            }
            progress.start(prefix + ": writing tokens");
            long rows = byMatrix.keySet().stream().mapToLong(k -> model.matrix(k).rows()).max().orElse(0);
            Optional<IntFunction<String>> tokens = TokenStrings.load(model.checkpoint().tokenizer(),
                    (int) Math.min(Integer.MAX_VALUE, rows));
            // The pictures draw on another core while the token table is written: both are single-threaded
            // and read only finished results (GPT-2's head: about 0.1 s each).
            ForkJoinTask<?> pictures = ForkJoinPool.commonPool().submit(
                    () -> GeometryPictures.write(outDir, target.name(), model, byMatrix, options));
            try {
                TokensCsv.write(TokensCsv.fileFor(outDir, target.name()), model, tokens.orElse(null), byMatrix);
            } catch (RuntimeException e) {
                try {
                    pictures.join(); // never left running; the table's error is the one reported
                } catch (RuntimeException alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
                throw e;
            }
            pictures.join();
            progress.done();
            return finished;
        } finally {
            model.checkpoint().close();
        }
    }

    /**
     * The requested matrices the model has. A model without an unembedding (a bare encoder) asked for both
     * is measured on its embedding, with a note; asked for the unembedding alone, it is refused with the
     * model's reason (a one-line bad-input error pointing to --matrix embedding).
     */
    private List<MatrixKind> kindsOf(LoadedModel model, Target target) {
        List<MatrixKind> kinds = settings.kinds().stream().filter(model::has).toList();
        if (kinds.isEmpty()) {
            model.unembedding(); // throws the model's own reason
        }
        if (kinds.size() < settings.kinds().size()) {
            progress.note("warning: " + target.name() + ": " + oneLine(model.noUnembedding())
                    + "; measuring the embedding only");
        }
        return kinds;
    }

    /**
     * Records one measured model's rows in {@code store} (models.csv rewritten atomically), replacing
     * rows of the same (model, matrix): a model measured twice is recorded once. Losses {@code eval}
     * recorded for it earlier are kept.
     */
    public static void commit(ResultStore store, List<ModelResult> rows) {
        List<ModelResult> kept = new ArrayList<>();
        for (ModelResult row : rows) {
            kept.add(keepEvaluations(row, store.get(row.model(), row.matrix())));
        }
        store.putAll(kept);
    }

    /** The outcome of an audit whose models are all recorded in {@code store}; with {@code fit}, writes the fits and plots. */
    public AuditOutcome finish(ResultStore store, List<String> failures, int exitCode, boolean fit) {
        List<ModelResult> results = store.results();
        List<FitRow> fits = fit ? writeFits(store, results) : List.of();
        return new AuditOutcome(results, fits, fit, store.modelsCsv(), failures, exitCode);
    }

    private List<Analyzer> analyzers() {
        return settings.analyzers().stream().map(resolver.plugins()::analyzer).toList();
    }

    /** A tied head stored once is the embedding: measure it once, report it under both names. */
    private static List<AnalysisResult> sameTensorAnalysed(LoadedModel model, MatrixKind kind,
                                                           Map<MatrixKind, List<AnalysisResult>> done) {
        if (!model.has(MatrixKind.UNEMBEDDING)) {
            return null;
        }
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

    private List<FitRow> writeFits(ResultStore store, List<ModelResult> rows) {
        // A training sweep's points are fitted per revision (see SweepFits); other rows by family.
        List<ModelResult> results = SweepFits.fitView(rows);
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
        OverlapPlot.write(store.file(OverlapPlot.FILE_NAME), SweepFits.plotView(rows), fits, matrix, OverlapPlot.WIDTH,
                OverlapPlot.HEIGHT);
        if (StepPlot.hasPoints(rows, matrix)) {
            StepPlot.write(store.file(StepPlot.FILE_NAME), rows, matrix);
        }
        return fits;
    }

    /** The backend of an audit whose analyzers all said they compute nothing on one. */
    private static dev.superscope.plugins.compute.Backend noBackend() {
        throw new IllegalStateException("an analyzer that declared usesBackend() false asked for the backend");
    }

    /** A message on one line (an error from a file may hold line breaks). */
    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
