package dev.superscope.cli;

import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.eval.Evaluation;
import dev.superscope.pipeline.eval.StridedEvaluation;
import dev.superscope.pipeline.eval.TextFiles;
import dev.superscope.pipeline.models.ModelsFile;
import dev.superscope.plugins.architecture.ForwardPrecision;
import dev.superscope.plugins.architecture.ForwardModel;
import dev.superscope.plugins.architecture.ForwardPrecision;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.io.TerminalText;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ResultStore;
import dev.superscope.reports.RowSelection;
import dev.superscope.reports.TextColumns;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code superscope eval}: next-token loss, perplexity and top-1 error of one checkpoint, or of every model
 * of a models.yaml, on text files, by strided sliding windows ({@link Evaluation}); with
 * {@code --out}, {@code loss_<dataset>} and {@code top1_error_<dataset>} go into DIR/models.csv.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure next-token cross-entropy (nats per token), perplexity and top-1 error of a "
                + "checkpoint, or of every model of a models.yaml, on text files tokenised by each model's own "
                + "tokenizer (no special tokens added). Each file is a dataset named after the file (without its "
                + "extension); every token but the first is scored once, with sliding windows of --context tokens "
                + "started every --stride tokens. Top-1 ties go to the lowest token id.")
final class EvalCommand extends Subcommand {
    /** Windows per pass by default: 8 windows of 1024 tokens of a 4096-wide model are 256 MB in float64. */
    static final int DEFAULT_BATCH = 8;

    @Parameters(paramLabel = "MODEL", description = "A checkpoint directory, weights file or hub id, or a "
            + "models.yaml (every model in it).")
    String model;

    @Option(names = "--text", required = true, arity = "1..*", paramLabel = "FILE",
            description = "UTF-8 text files; each is one dataset, named after the file without its extension.")
    List<Path> texts;

    @Option(names = "--context", paramLabel = "N", description = "Window length in tokens (default: the model's "
            + "maximum positions, at most " + Evaluation.MAX_DEFAULT_CONTEXT + ").")
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


    @Override
    public Integer call() {
        ForwardPrecision p = ForwardPrecision.parse(precision);
        Evaluation.Settings settings = new Evaluation.Settings(context, stride, batch, root.forward(p));
        List<TextFiles.Text> texts = TextFiles.read(this.texts);
        Progress progress = progress();
        Evaluation.Outcome outcome = new Evaluation(root.resolver(), settings, progress).run(targets(), texts, out);
        PrintWriter stdout = outWriter();
        stdout.print(table(outcome.rows()));
        if (outcome.modelsCsv() != null && !outcome.rows().isEmpty()) {
            stdout.println();
            stdout.println("wrote loss_<dataset> and top1_error_<dataset> to "
                    + Main.safeLine(outcome.modelsCsv().toString()));
        }
        stdout.flush();
        if (!outcome.failures().isEmpty()) {
            progress.note(outcome.failures().size() + " models failed:");
            outcome.failures().forEach(f -> progress.note("  " + f));
        }
        return outcome.exitCode();
    }

    /** The rows as an aligned table. */
    static String table(List<Evaluation.Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"model", "dataset", "tokens", "loss", "perplexity", "top1_error"});
        for (Evaluation.Row r : rows) {
            StridedEvaluation.Score s = r.score();
            // Names from models.yaml and text file names: escaped, and short enough for a table.
            cells.add(new String[] {TerminalText.safe(r.model(), 60), TerminalText.safe(r.dataset(), 60),
                    Long.toString(s.tokens()),
                    String.format(Locale.ROOT, "%.6f", s.loss()), String.format(Locale.ROOT, "%.4f", s.perplexity()),
                    String.format(Locale.ROOT, "%.6f", s.top1Error())});
        }
        StringBuilder sb = new StringBuilder();
        // Names left-aligned, numbers right-aligned.
        TextColumns.align(cells, c -> c < 2).forEach(line -> sb.append(line).append(System.lineSeparator()));
        return sb.toString();
    }

    private List<Target> targets() {
        Path asFile = Path.of(model);
        String lower = model.toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(asFile) && (lower.endsWith(".yaml") || lower.endsWith(".yml"))) {
            if (targetOptions.anyGiven()) {
                throw usage("--name, --family and --loader are for a single checkpoint; a models.yaml sets them "
                        + "per model");
            }
            return ModelsFile.read(asFile).targets().stream()
                    .map(t -> Target.of(t.name(), t.family(), t.location(), t.architecture())).toList();
        }
        return List.of(targetOptions.target(model));
    }

    private static SuperscopeException usage(String message) {
        return new SuperscopeException(SuperscopeException.USAGE, message);
    }
}
