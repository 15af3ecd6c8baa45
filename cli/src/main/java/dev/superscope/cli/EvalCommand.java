package dev.superscope.cli;

import dev.superscope.analyzers.forward.ForwardModel;
import dev.superscope.analyzers.forward.ForwardModels;
import dev.superscope.analyzers.forward.Precision;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.io.TerminalText;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ResultStore;
import dev.superscope.reports.RowSelection;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code superscope eval}: next-token loss, perplexity and top-1 error of one checkpoint, or of every model
 * of a models.yaml, on text files, by strided sliding windows ({@link StridedEvaluation}); with
 * {@code --out}, {@code loss_<dataset>} and {@code top1_error_<dataset>} go into DIR/models.csv.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure next-token cross-entropy (nats per token), perplexity and top-1 error of a "
                + "checkpoint, or of every model of a models.yaml, on text files tokenised by each model's own "
                + "tokenizer (no special tokens added). Each file is a dataset named after the file (without its "
                + "extension); every token but the first is scored once, with sliding windows of --context tokens "
                + "started every --stride tokens. Top-1 ties go to the lowest token id.")
final class EvalCommand implements Callable<Integer> {
    /** The default window never exceeds this many tokens, even for models with longer positions. */
    static final int MAX_DEFAULT_CONTEXT = 1024;
    /** Windows per pass by default: 8 windows of 1024 tokens of a 4096-wide model are 256 MB in float64. */
    static final int DEFAULT_BATCH = 8;

    @ParentCommand
    SuperscopeCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A checkpoint directory, weights file or hub id, or a "
            + "models.yaml (every model in it).")
    String model;

    @Option(names = "--text", required = true, arity = "1..*", paramLabel = "FILE",
            description = "UTF-8 text files; each is one dataset, named after the file without its extension.")
    List<Path> texts;

    @Option(names = "--context", paramLabel = "N", description = "Window length in tokens (default: the model's "
            + "maximum positions, at most " + MAX_DEFAULT_CONTEXT + ").")
    Integer context;

    @Option(names = "--stride", paramLabel = "S", description = "Tokens between window starts, 1..N "
            + "(default N/2); each window after the first scores S new tokens.")
    Integer stride;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "" + DEFAULT_BATCH,
            description = "Windows per forward pass (default ${DEFAULT-VALUE}). Each pass reads one layer's weights "
                    + "at a time, applies it to all B windows and frees it, so memory is about one layer plus B "
                    + "windows of activations; a larger B reads the weights fewer times.")
    int batch;

    @Option(names = "--precision", paramLabel = "float64|float32", defaultValue = "float64",
            description = "Floating type of the forward pass (default ${DEFAULT-VALUE}); the log-softmax is "
                    + "always float64.")
    String precision;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write loss_<dataset> and "
            + "top1_error_<dataset> into DIR/models.csv (the model's rows, or a new unembedding row).")
    Path out;

    @Mixin
    TargetOptions targetOptions;


    /** One text file to score. */
    record Text(Path file, String dataset, String content) {
    }

    /** What one model scored on one dataset. */
    record Row(String model, String dataset, StridedEvaluation.Score score) {
    }

    @Override
    public Integer call() {
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
        Precision p = LogitsCommand.parsePrecision(precision);
        List<Text> datasets = readTexts(texts);
        List<AuditRun.Target> targets = targets();
        Progress progress = Progress.forConsole(spec.commandLine().getErr());
        return evaluateAll(targets, datasets, p, progress);
    }

    private int evaluateAll(List<AuditRun.Target> targets, List<Text> datasets, Precision p, Progress progress) {
        PrintWriter stdout = spec.commandLine().getOut();
        List<Row> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int exitCode = 0;
        ResultStore store = out == null ? null : ResultStore.open(out, false);
        try {
            if (store != null) {
                store.notes().forEach(progress::note);
            }
            for (int i = 0; i < targets.size(); i++) {
                AuditRun.Target target = targets.get(i);
                String prefix = "[" + (i + 1) + "/" + targets.size() + "] " + target.name();
                try {
                    rows.addAll(evaluate(target, prefix, datasets, p, progress, store));
                } catch (SuperscopeException e) {
                    if (targets.size() == 1) {
                        throw e;
                    }
                    failures.add(target.name() + ": " + Main.oneLine(e.getMessage()));
                    progress.note("superscope: " + target.name() + ": " + Main.oneLine(e.getMessage()));
                    exitCode = exitCode == 0 ? e.exitCode() : exitCode;
                }
            }
        } finally {
            if (store != null) {
                store.close();
            }
        }
        stdout.print(table(rows));
        if (store != null && !rows.isEmpty()) {
            stdout.println();
            stdout.println("wrote loss_<dataset> and top1_error_<dataset> to "
                    + Main.safeLine(store.modelsCsv().toString()));
        }
        stdout.flush();
        if (!failures.isEmpty()) {
            progress.note(failures.size() + " of " + targets.size() + " models failed:");
            failures.forEach(f -> progress.note("  " + f));
        }
        return exitCode;
    }

    private List<Row> evaluate(AuditRun.Target target, String prefix, List<Text> datasets, Precision p,
                               Progress progress, ResultStore store) {
        progress.start(prefix + ": opening " + target.location());
        LoadedModel loaded = ModelOpener.load(target.location(), root.plugins(), target.loader());
        try (var checkpoint = loaded.checkpoint()) {
            progress.done();
            loaded.warnings().forEach(w -> progress.note("warning: " + target.name() + ": " + w));
            progress.start(prefix + ": reading the weights (" + precision + ")");
            try (ForwardModel forward = ForwardModels.forModel(loaded, p)) {
                progress.done();
                int n = contextFor(forward);
                int s = stride != null ? stride : Math.max(1, n / 2);
                if (s > n) {
                    throw usage("--stride " + s + " exceeds the context length " + n + " of " + target.name());
                }
                progress.start(prefix + ": tokenising " + datasets.size() + " text file(s)");
                List<long[]> ids = tokenise(loaded, forward, datasets);
                progress.done();
                long total = ids.stream().mapToLong(a -> a.length - 1L).sum();
                long start = System.nanoTime();
                List<Row> rows = new ArrayList<>();
                long before = 0;
                for (int d = 0; d < datasets.size(); d++) {
                    Text text = datasets.get(d);
                    long offset = before;
                    progress.start(String.format(Locale.ROOT, "%s %s: %d tokens, context %d, stride %d", prefix,
                            text.dataset(), ids.get(d).length - 1, n, s));
                    StridedEvaluation.Score score = StridedEvaluation.score(ids.get(d), n, s, batch, forward::score,
                            scored -> progress.update(status(offset + scored, total, start)),
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
    private static List<long[]> tokenise(LoadedModel loaded, ForwardModel forward, List<Text> datasets) {
        List<long[]> ids = TokenStrings.encode(loaded.checkpoint().tokenizer(),
                datasets.stream().map(Text::content).toList()).orElseThrow(() -> new BadInputException(
                loaded.checkpoint().directory(), "no tokenizer (tokenizer.json, or vocab.json + merges.txt) "
                + "to encode the text with"));
        for (int d = 0; d < ids.size(); d++) {
            Path file = datasets.get(d).file();
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
    private static void record(ResultStore store, AuditRun.Target target, LoadedModel loaded, List<Row> rows) {
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

    /** The rows as an aligned table. */
    static String table(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"model", "dataset", "tokens", "loss", "perplexity", "top1_error"});
        for (Row r : rows) {
            StridedEvaluation.Score s = r.score();
            // Names from models.yaml and text file names: escaped, and short enough for a table.
            cells.add(new String[] {TerminalText.safe(r.model(), 60), TerminalText.safe(r.dataset(), 60),
                    Long.toString(s.tokens()),
                    String.format(Locale.ROOT, "%.6f", s.loss()), String.format(Locale.ROOT, "%.4f", s.perplexity()),
                    String.format(Locale.ROOT, "%.6f", s.top1Error())});
        }
        int[] width = new int[6];
        for (String[] line : cells) {
            for (int c = 0; c < line.length; c++) {
                width[c] = Math.max(width[c], line[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] line : cells) {
            for (int c = 0; c < line.length; c++) {
                // Names left-aligned, numbers right-aligned.
                String format = c < 2 ? "%-" + width[c] + "s" : "%" + width[c] + "s";
                sb.append(c == 0 ? "" : "  ").append(String.format(Locale.ROOT, format, line[c]));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    private List<AuditRun.Target> targets() {
        Path asFile = Path.of(model);
        String lower = model.toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(asFile) && (lower.endsWith(".yaml") || lower.endsWith(".yml"))) {
            if (targetOptions.anyGiven()) {
                throw usage("--name, --family and --loader are for a single checkpoint; a models.yaml sets them "
                        + "per model");
            }
            return ModelsFile.read(asFile).models().stream()
                    .map(e -> new AuditRun.Target(e.name(), e.family(), e.location(), e.loader(), Map.of()))
                    .toList();
        }
        return List.of(targetOptions.target(model));
    }

    /** Reads every text file (strict UTF-8) and names its dataset; names must be distinct. */
    static List<Text> readTexts(List<Path> files) {
        List<Text> texts = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new BadInputException(file, Files.exists(file) ? "not a regular file" : "no such text file");
            }
            String content;
            try {
                content = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            } catch (CharacterCodingException e) {
                throw new BadInputException(file, "not UTF-8 text");
            } catch (IOException e) {
                throw new BadInputException(file, "cannot read: " + Main.oneLine(e.getMessage()), e);
            }
            if (content.isEmpty()) {
                throw new BadInputException(file, "empty text: nothing to score");
            }
            String dataset = datasetName(file);
            if (dataset.isEmpty()) {
                throw new BadInputException(file, "no dataset name: the file name is only an extension");
            }
            if (!names.add(dataset)) {
                throw usage("two text files are both named '" + dataset + "'; each dataset needs its own name");
            }
            texts.add(new Text(file, dataset, content));
        }
        return texts;
    }

    /** The file name without its last extension: {@code wikitext.test.txt -> wikitext.test}. */
    static String datasetName(Path file) {
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? fileName : fileName.substring(0, dot);
    }

    private static SuperscopeException usage(String message) {
        return new SuperscopeException(SuperscopeException.USAGE, message);
    }
}
