package dev.superscope.cli;

import dev.superscope.pipeline.collisions.Collisions;
import dev.superscope.plugins.io.TerminalText;
import dev.superscope.reports.TextColumns;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How {@code collisions} prints its report: a header, the largest collapsed groups, then the pairs as a table.
 * Names and tokens come from the checkpoint's files, so each is escaped and cut to {@link #CELL_CHARS}
 * (GPT-2's own vocabulary holds "\n" and "\r"; a hostile one, escape sequences).
 */
final class CollisionsListing {
    /** The most characters a token, tensor or model name takes on the terminal. */
    static final int CELL_CHARS = 60;

    private CollisionsListing() {
    }

    static void print(Collisions.Report r, PrintWriter out) {
        String threshold = trim(r.threshold());
        out.printf("%s  %s  %s  %d x %d%n", cell(r.model()), r.matrix(), cell(r.tensor()), r.rows(), r.cols());
        out.printf("collapsed: %d rows in %d %s at |cos| >= %s%n", r.collapsedRows(), r.collapsedGroups(),
                r.collapsedGroups() == 1 ? "group" : "groups", threshold);
        if (!r.groups().isEmpty()) {
            out.printf("largest groups (first %d rows of each):%n", Collisions.MEMBERS_SHOWN);
            for (Collisions.Group g : r.groups()) {
                List<String> members = new ArrayList<>();
                for (Map.Entry<Integer, String> m : g.members().entrySet()) {
                    members.add(r.tokenizer() ? m.getKey() + " " + quoted(m.getValue(), r) : Integer.toString(m.getKey()));
                }
                out.printf("  %6d rows: %s%s%n", g.size(), String.join(", ", members),
                        g.size() > g.members().size() ? ", ..." : "");
            }
        }
        out.printf("%ntop %d pairs by |cos|%s:%n", r.pairs().size(), r.tokenizer() ? "" : " (no tokenizer found: ids only)");
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"rank", "|cos|", "cos", "id_a", "token_a", "id_b", "token_b"});
        int rank = 1;
        for (Collisions.Pair p : r.pairs()) {
            lines.add(new String[] {Integer.toString(rank++), String.format(Locale.ROOT, "%.6f", Math.abs(p.cosine())),
                String.format(Locale.ROOT, "%+.6f", p.cosine()), Integer.toString(p.first()), quoted(p.firstToken(), r),
                Integer.toString(p.second()), quoted(p.secondToken(), r)});
        }
        out.print(align(lines));
        out.flush();
    }

    private static String quoted(String token, Collisions.Report r) {
        return r.tokenizer() ? "\"" + cell(token) + "\"" : "-";
    }

    private static String cell(String text) {
        return TerminalText.safe(text, CELL_CHARS);
    }

    /** Numbers right-aligned, tokens left-aligned, two spaces between columns. */
    private static String align(List<String[]> lines) {
        StringBuilder b = new StringBuilder();
        TextColumns.align(lines, i -> i == 4 || i == 6).forEach(line -> b.append(line).append(System.lineSeparator()));
        return b.toString();
    }

    private static String trim(double v) {
        String s = Double.toString(v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
