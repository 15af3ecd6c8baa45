package dev.superscope.pipeline.collisions;

import dev.superscope.pipeline.ModelResolver;
import dev.superscope.pipeline.ProgressListener;
import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.compute.BackendChoice;
import dev.superscope.pipeline.compute.ComputeSettings;
import dev.superscope.pipeline.compute.StartingBackend;
import dev.superscope.pipeline.tokens.TokenStrings;
import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.reports.RowSelection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * {@code superscope collisions}: which tokens of one matrix collide. One pairwise scan (the
 * {@code pairwise} analyzer, O(n^2 m), no more) gives the K most similar pairs of rows by |cos| and the
 * groups of rows collapsed onto one another (linked by |cos| at or above the threshold); the token strings
 * come from the checkpoint's tokenizer. Nothing is written.
 */
public final class Collisions {
    /** Members of a group shown by {@link Report#groups()}. */
    public static final int MEMBERS_SHOWN = 8;
    /** Groups listed, largest first. */
    public static final int GROUPS_SHOWN = 5;

    private final ModelResolver resolver;
    private final ComputeSettings compute;
    private final ProgressListener progress;

    public Collisions(ModelResolver resolver, ComputeSettings compute, ProgressListener progress) {
        this.resolver = resolver;
        this.compute = compute;
        this.progress = progress;
    }

    /**
     * One of the most similar pairs.
     *
     * @param first       the lower row id
     * @param second      the higher row id
     * @param cosine      their cosine (signed)
     * @param firstToken  the first row's token text ("" without a tokenizer or for a padding row)
     * @param secondToken the second row's token text
     */
    public record Pair(int first, int second, double cosine, String firstToken, String secondToken) {
    }

    /**
     * A group of rows collapsed onto one another.
     *
     * @param id      its lowest row id
     * @param size    its rows
     * @param members up to {@link #MEMBERS_SHOWN} of its rows, lowest first, with their token text
     */
    public record Group(int id, int size, Map<Integer, String> members) {
    }

    /**
     * What the scan found.
     *
     * @param model           the model's name
     * @param matrix          {@code unembedding} or {@code embedding}
     * @param tensor          the tensor's name
     * @param rows            n
     * @param cols            m
     * @param threshold       the collapse threshold
     * @param collapsedRows   rows whose nearest neighbour has |cos| at or above it
     * @param collapsedGroups groups of two or more such rows
     * @param pairs           the most similar pairs, best first
     * @param groups          the largest groups, largest first (ties: lowest id)
     * @param tokenizer       whether token strings were available
     */
    public record Report(String model, String matrix, String tensor, long rows, int cols, double threshold, long collapsedRows, long collapsedGroups, List<Pair> pairs,
                         List<Group> groups, boolean tokenizer) {
    }

    /**
     * Scans matrix {@code kind} of {@code target} for its {@code top} most similar pairs and its groups of
     * rows at |cos| &gt;= {@code threshold}.
     */
    public Report find(Target target, MatrixKind kind, RowSelection rowSelection, int top, double threshold) {
        AnalysisOptions options = AnalysisOptions.of(AnalysisOptions.DEFAULT_TAU, threshold).withTopPairs(top);
        progress.start(target.name() + ": opening " + target.location());
        LoadedModel model = resolver.load(target);
        try (StartingBackend backend = new StartingBackend(BackendChoice.choose(resolver.plugins(), compute),
                compute.backendSettings())) {
            // A model without the matrix asked for fails here, before the step is reported done.
            Matrix matrix = rowSelection.apply(model, kind);
            progress.done();
            // Before the scan, not after: "try --transpose" is worth knowing before minutes of the wrong matrix.
            model.warnings().forEach(w -> progress.note("warning: " + target.name() + ": " + w));
            backend.startInBackground();
            progress.start(target.name() + " " + kind.label() + " " + matrix.rows() + " x " + matrix.cols()
                    + ": pairwise scan");
            AnalysisResult scan = resolver.plugins().analyzer("pairwise").analyze(matrix,
                    new AnalysisContext(options, backend));
            progress.done();
            Optional<IntFunction<String>> tokens = TokenStrings.load(model.checkpoint().tokenizer(),
                    (int) Math.min(Integer.MAX_VALUE, matrix.rows()));
            IntFunction<String> text = id -> tokens.isEmpty() || isPadding(model, id) ? "" : tokens.get().apply(id);
            return new Report(target.name(), kind.label(), matrix.name(), matrix.rows(), matrix.cols(), threshold,
                    (long) scan.metric("collapsed_rows").orElse(0), (long) scan.metric("collapsed_groups").orElse(0),
                    pairs(scan, text), groups(scan.perToken().get("collapsed_group_id"), text), tokens.isPresent());
        } finally {
            model.checkpoint().close();
        }
    }

    private static boolean isPadding(LoadedModel model, int id) {
        return model.tokenizerVocab().isPresent() && id >= model.tokenizerVocab().getAsInt();
    }

    private static List<Pair> pairs(AnalysisResult scan, IntFunction<String> text) {
        double[] first = scan.series().get("top_pairs_first");
        double[] second = scan.series().get("top_pairs_second");
        double[] cos = scan.series().get("top_pairs_cos");
        List<Pair> pairs = new ArrayList<>();
        for (int k = 0; first != null && k < first.length; k++) {
            int a = (int) first[k];
            int b = (int) second[k];
            pairs.add(new Pair(a, b, cos[k], text.apply(a), text.apply(b)));
        }
        return pairs;
    }

    /** The largest groups from each row's group id (NaN: in no group). */
    static List<Group> groups(double[] groupIds, IntFunction<String> text) {
        Map<Integer, List<Integer>> members = new LinkedHashMap<>();
        for (int i = 0; groupIds != null && i < groupIds.length; i++) {
            if (!Double.isNaN(groupIds[i])) {
                members.computeIfAbsent((int) groupIds[i], g -> new ArrayList<>()).add(i);
            }
        }
        List<Map.Entry<Integer, List<Integer>>> ordered = new ArrayList<>(members.entrySet());
        ordered.sort((a, b) -> a.getValue().size() != b.getValue().size()
                ? Integer.compare(b.getValue().size(), a.getValue().size()) : Integer.compare(a.getKey(), b.getKey()));
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> g : ordered.subList(0, Math.min(GROUPS_SHOWN, ordered.size()))) {
            Map<Integer, String> shown = new LinkedHashMap<>();
            for (int id : g.getValue().subList(0, Math.min(MEMBERS_SHOWN, g.getValue().size()))) {
                shown.put(id, text.apply(id));
            }
            groups.add(new Group(g.getKey(), g.getValue().size(), shown));
        }
        return groups;
    }
}
