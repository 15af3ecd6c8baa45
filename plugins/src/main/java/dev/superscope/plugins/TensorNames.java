package dev.superscope.plugins;

import dev.superscope.plugins.io.TerminalText;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Tells a user who mistyped a tensor name which names the checkpoint does hold: the few stored names
 * closest to the one asked for, by edit distance, containment and shared name parts. Every error about
 * an absent tensor is built here, so that each command that names tensors makes the same suggestions.
 */
public final class TensorNames {
    /** At most this many names are suggested. */
    public static final int MAX_SUGGESTIONS = 5;

    private TensorNames() {
    }

    /**
     * Up to {@code limit} of {@code names} that look like {@code wanted}, nearest first: names within a
     * small edit distance (typos), names containing it or contained in it (a missing prefix such as
     * {@code bert.}), and names sharing at least half of its dot- or underscore-separated parts.
     */
    public static List<String> similar(String wanted, Collection<String> names, int limit) {
        String w = wanted.toLowerCase(Locale.ROOT);
        Set<String> wantedParts = parts(w);
        List<Candidate> candidates = new ArrayList<>();
        for (String name : new HashSet<>(names)) {
            String n = name.toLowerCase(Locale.ROOT);
            int distance = levenshtein(w, n);
            boolean contains = !w.isEmpty() && (n.contains(w) || w.contains(n));
            double overlap = overlap(wantedParts, parts(n));
            boolean typo = distance <= Math.max(2, w.length() / 4);
            if (contains) {
                candidates.add(new Candidate(name, 0, Math.abs(n.length() - w.length()), overlap));
            } else if (typo || overlap >= 0.5) {
                candidates.add(new Candidate(name, typo ? 1 : 2, distance, overlap));
            }
        }
        // A name holding the one asked for (a missing prefix) first, then typos, then names sharing parts.
        candidates.sort(Comparator.comparingInt(Candidate::tier).thenComparingInt(Candidate::distance)
                .thenComparing(Comparator.comparingDouble(Candidate::overlap).reversed())
                .thenComparing(Candidate::name));
        return candidates.stream().limit(limit).map(Candidate::name).toList();
    }

    /**
     * The one-line reason for a tensor that {@code store} does not hold, listing the similar names it does
     * hold, e.g. {@code no tensor named "wte.weigth" among its 16 tensors (similar: "transformer.wte.weight")}.
     */
    public static String absent(String wanted, TensorStore store) {
        return absent(wanted, store.names());
    }

    /** As {@link #absent(String, TensorStore)}, for a store holding the tensors called {@code names}. */
    public static String absent(String wanted, Collection<String> names) {
        List<String> near = similar(wanted, names, MAX_SUGGESTIONS);
        String reason = "no tensor named " + quote(wanted) + " among its " + names.size() + " tensors";
        if (near.isEmpty()) {
            return reason + " ('superscope inspect' lists them)";
        }
        return reason + " (similar: " + String.join(", ", near.stream().map(TensorNames::quote).toList()) + ")";
    }

    /** A name in double quotes, escaped for a terminal ({@link TerminalText}) and shortened to 120 characters. */
    public static String quote(String name) {
        return "\"" + TerminalText.safe(name, 120) + "\"";
    }

    /** Edit distance (insertions, deletions, substitutions), O(|a| |b|) time, O(|b|) memory. */
    static int levenshtein(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static Set<String> parts(String name) {
        Set<String> parts = new HashSet<>(Arrays.asList(name.split("[._/\\-]+")));
        parts.remove("");
        return parts;
    }

    /** Share of {@code wanted}'s parts that {@code name} has too. */
    private static double overlap(Set<String> wanted, Set<String> name) {
        if (wanted.isEmpty()) {
            return 0;
        }
        long shared = wanted.stream().filter(name::contains).count();
        return (double) shared / wanted.size();
    }

    private record Candidate(String name, int tier, int distance, double overlap) {
    }
}
