package dev.superscope.pipeline.eval;

import dev.superscope.pipeline.ModelResolver;
import dev.superscope.pipeline.ProgressListener;
import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.tokens.TokenStrings;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.architecture.ForwardModel;
import dev.superscope.plugins.architecture.ForwardSettings;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ResultStore;
import dev.superscope.reports.RowSelection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation behind {@code eval}: next-token loss, perplexity and top-1 error of each target on text
 * files, by strided sliding windows ({@link StridedEvaluation}) over the model's own forward pass; with an
 * output directory, {@code loss_<dataset>} and {@code top1_error_<dataset>} go into its models.csv.
 */
public final class Evaluation {
    /** The default window never exceeds this many tokens, even for models with longer positions. */
    public static final int MAX_DEFAULT_CONTEXT = 1024;

    /**
     * How to score.
     *
     * @param context window length in tokens, or null for the model's maximum positions (at most 1024)
     * @param stride  tokens between window starts, or null for half the context
     * @param batch   windows per forward pass
     * @param forward the forward pass's precision and device
     */
    public record Settings(Integer context, Integer stride, int batch, ForwardSettings forward) {
        public Settings {
            if (context != null && context < 1) {
                throw usage("--context must be at least 1, not " + context);
            }
            if (stride != null && (stride < 1 || context != null && stride > context)) {
                throw usage("--stride must be between 1 and the context length" + (context == null ? "" : " " + context)
                        + ", not " + stride);
            }
            if (batch < 1) {
                throw usage("--batch must be at least 1, not " + batch);
            }
        }
    }

    /** What one model scored on one dataset. */
    public record Row(String model, String dataset, StridedEvaluation.Score score) {
    }

    /**
     * What an evaluation did.
     *
     * @param rows      one per model and dataset scored
     * @param modelsCsv the table the losses went into, or null without an output directory
     * @param failures  one line per model that failed ("name: reason")
     * @param exitCode  0, or the exit code of the first failure
     */
    public record Outcome(List<Row> rows, Path modelsCsv, List<String> failures, int exitCode) {
    }

    private final ModelResolver resolver;
    private final Settings settings;
    private final ProgressListener progress;

    public Evaluation(ModelResolver resolver, Settings settings, ProgressListener progress) {
        this.resolver = resolver;
        this.settings = settings;
        this.progress = progress;
    }

    /**
     * Scores every target on every text; with {@code out}, records the losses in its models.csv. A failing
     * target is reported and the others go on (one target alone throws its error).
     */
    public Outcome run(List<Target> targets, List<TextFiles.Text> texts, Path out) {
        List<Row> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int exitCode = 0;
        ResultStore store = out == null ? null : ResultStore.open(out, false);
        try {
            if (store != null) {
                store.notes().forEach(progress::note);
            }
            for (int i = 0; i < targets.size(); i++) {
                Target target = targets.get(i);
                String prefix = "[" + (i + 1) + "/" + targets.size() + "] " + target.name();
                try {
                    rows.addAll(evaluate(target, prefix, texts, store));
                } catch (SuperscopeException e) {
                    if (targets.size() == 1) {
                        throw e;
                    }
                    String line = target.name() + ": " + e.getMessage().replaceAll("\\s*\\R\\s*", " ").strip();
                    failures.add(line);
                    progress.note("superscope: " + line);
                    exitCode = exitCode == 0 ? e.exitCode() : exitCode;
                }
            }
        } finally {
            if (store != null) {
                store.close();
            }
        }
        return new Outcome(rows, store == null ? null : store.modelsCsv(), failures, exitCode);
    }

    private List<Row> evaluate(Target target, String prefix, List<TextFiles.Text> texts, ResultStore store) {
        progress.start(prefix + ": opening " + target.location());
        Checkpoint checkpoint = resolver.open(target.location());
        try (checkpoint) {
            var architecture = resolver.architectureFor(checkpoint, target.architecture());
            LoadedModel loaded = architecture.load(checkpoint);
            progress.done();
            loaded.warnings().forEach(w -> progress.note("warning: " + target.name() + ": " + w));
            progress.start(prefix + ": reading the weights (" + settings.forward().precision().label() + ")");
            try (ForwardModel forward = architecture.forward(checkpoint, settings.forward())) {
                progress.done();
                int n = contextFor(forward);
                int s = settings.stride() != null ? settings.stride() : Math.max(1, n / 2);
                if (s > n) {
                    throw usage("--stride " + s + " exceeds the context length " + n + " of " + target.name());
                }
                progress.start(prefix + ": tokenising " + texts.size() + " text file(s)");
                List<long[]> ids = tokenise(checkpoint, forward, texts);
                progress.done();
                long total = ids.stream().mapToLong(a -> a.length - 1L).sum();
                long start = System.nanoTime();
                List<Row> rows = new ArrayList<>();
                long before = 0;
                for (int d = 0; d < texts.size(); d++) {
                    TextFiles.Text text = texts.get(d);
                    long offset = before;
                    progress.start(String.format(Locale.ROOT, "%s %s: %d tokens, context %d, stride %d", prefix,
                            text.dataset(), ids.get(d).length - 1, n, s));
                    StridedEvaluation.Score score = StridedEvaluation.score(ids.get(d), n, s, settings.batch(),
                            forward::score, scored -> progress.update(status(offset + scored, total, start)),
                            target.name() + " on " + text.file());
                    progress.done();
                    before += score.tokens();
                    rows.add(new Row(target.name(), text.dataset(), score));
                }
                if (store != null) {
                    record(store, target, loaded, rows);
                }
                return rows;
            }
        }
    }

    private int contextFor(ForwardModel forward) {
        int max = forward.maxPositions();
        Integer context = settings.context();
        if (context == null) {
            return max > 0 ? Math.min(max, MAX_DEFAULT_CONTEXT) : MAX_DEFAULT_CONTEXT;
        }
        if (max > 0 && context > max) {
            throw usage("--context " + context + " exceeds the " + max + " positions of this "
                    + forward.architecture() + " model");
        }
        return context;
    }

    /** Every text by the model's tokenizer; each must give two tokens and only ids the model embeds. */
    private static List<long[]> tokenise(Checkpoint checkpoint, ForwardModel forward, List<TextFiles.Text> texts) {
        List<long[]> ids = TokenStrings.encode(checkpoint.tokenizer(),
                texts.stream().map(TextFiles.Text::content).toList()).orElseThrow(() -> new BadInputException(
                checkpoint.directory(), "no tokenizer (tokenizer.json, or vocab.json + merges.txt) "
                + "to encode the text with"));
        for (int d = 0; d < ids.size(); d++) {
            Path file = texts.get(d).file();
            long[] tokens = ids.get(d);
            if (tokens.length < 2) {
                throw new BadInputException(file, "the text encodes to " + tokens.length
                        + " token(s); at least 2 are needed to score a next token");
            }
            for (long id : tokens) {
                if (id < 0 || id >= forward.vocabSize()) {
                    throw new BadInputException(file, "the tokenizer gave token id " + id + ", outside the model's "
                            + forward.vocabSize() + " embeddings");
                }
            }
        }
        return ids;
    }

    private static String status(long done, long total, long startNanos) {
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        double left = done == 0 ? Double.NaN : elapsed / done * (total - done);
        return String.format(Locale.ROOT, "%d/%d tokens%s", done, total,
                Double.isNaN(left) ? "" : String.format(Locale.ROOT, ", %.0f s left", left));
    }

    /**
     * Puts the losses into the model's rows of models.csv, keeping their other metrics; a model without a
     * row gets one for its unembedding (the LM head the loss is read through), holding only these metrics.
     */
    private static void record(ResultStore store, Target target, LoadedModel loaded, List<Row> rows) {
        Map<String, Double> measured = new LinkedHashMap<>();
        for (Row r : rows) {
            measured.put("loss_" + r.dataset(), r.score().loss());
            measured.put("top1_error_" + r.dataset(), r.score().top1Error());
        }
        List<ModelResult> updated = new ArrayList<>();
        for (ModelResult existing : store.results()) {
            if (existing.model().equals(target.name())) {
                Map<String, Double> metrics = new LinkedHashMap<>(existing.metrics());
                metrics.putAll(measured);
                updated.add(existing.withMetrics(metrics));
            }
        }
        if (updated.isEmpty()) {
            updated.add(ModelResult.of(target.name(), target.family(), loaded, MatrixKind.UNEMBEDDING,
                    RowSelection.ALL, List.of()).withMetrics(measured));
        }
        store.putAll(updated);
    }

    private static SuperscopeException usage(String message) {
        return new SuperscopeException(SuperscopeException.USAGE, message);
    }
}
