package dev.superscope.pipeline.models;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code revisions:} of a training sweep, expanded: a list whose items are revisions
 * ({@code step143000}, {@code main}, a commit) or ranges of numbered revisions:
 *
 * <ul>
 *   <li>{@code step1000..step143000:1000} — arithmetic: step1000, step2000, ..., step143000 (the step
 *       defaults to 1: {@code step0..step3} is step0, step1, step2, step3);</li>
 *   <li>{@code step1..step512:x2} — geometric: step1, step2, step4, ..., step512.</li>
 * </ul>
 * Both ends share the text before the number, and the last must be reached exactly, so a typo cannot
 * silently drop the final checkpoint. Pythia's 154 checkpoints are
 * {@code [step0, "step1..step512:x2", "step1000..step143000:1000"]}. A revision listed twice, an empty list
 * and more than {@link #MAX_REVISIONS} revisions are errors.
 */
public final class RevisionList {
    /** The most revisions one entry may expand to. */
    public static final int MAX_REVISIONS = 100_000;

    // A hub revision: a branch, tag or commit, segments of letters, digits, '.', '_', '-' (HubId's shape).
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*");
    private static final Pattern RANGE = Pattern.compile("(.*?)(\\d{1,18})\\.\\.(.*?)(\\d{1,18})(?::(x?)(\\d{1,18}))?");

    private RevisionList() {
    }

    /**
     * Expands {@code items} in order.
     *
     * @throws IllegalArgumentException with a one-line reason naming the item at fault
     */
    public static List<String> expand(List<String> items) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("'revisions:' is an empty list");
        }
        Set<String> revisions = new LinkedHashSet<>();
        for (String item : items) {
            for (String revision : item.contains("..") ? range(item) : List.of(single(item))) {
                if (!revisions.add(revision)) {
                    throw new IllegalArgumentException("revision '" + revision + "' is listed twice");
                }
                if (revisions.size() > MAX_REVISIONS) {
                    throw new IllegalArgumentException("'revisions:' expands to more than " + MAX_REVISIONS
                            + " revisions");
                }
            }
        }
        return List.copyOf(revisions);
    }

    private static String single(String item) {
        if (!REVISION.matcher(item).matches()) {
            throw new IllegalArgumentException("'" + item + "' is not a revision (a branch, tag or commit) or a range"
                    + " such as step1000..step143000:1000");
        }
        return item;
    }

    private static List<String> range(String item) {
        Matcher m = RANGE.matcher(item);
        if (!m.matches()) {
            throw new IllegalArgumentException("range '" + item + "' is not of the form PREFIX<a>..PREFIX<b>[:step] or"
                    + " PREFIX<a>..PREFIX<b>:x<factor> (e.g. step1000..step143000:1000, step1..step512:x2)");
        }
        String prefix = m.group(1);
        if (!prefix.equals(m.group(3))) {
            throw new IllegalArgumentException("range '" + item + "': both ends must start with the same text, not '"
                    + prefix + "' and '" + m.group(3) + "'");
        }
        single(prefix + m.group(2));
        long first = Long.parseLong(m.group(2));
        long last = Long.parseLong(m.group(4));
        boolean geometric = "x".equals(m.group(5));
        long by = m.group(6) == null ? 1 : Long.parseLong(m.group(6));
        if (last < first) {
            throw new IllegalArgumentException("range '" + item + "' runs backwards (" + first + " > " + last + ")");
        }
        if (geometric ? by < 2 || first == 0 : by < 1) {
            throw new IllegalArgumentException("range '" + item + "': " + (geometric
                    ? "a geometric range needs a factor of at least 2 and a first number above 0"
                    : "the step must be at least 1"));
        }
        List<String> out = new ArrayList<>();
        long k = first;
        while (k < last) {
            out.add(prefix + k);
            if (out.size() > MAX_REVISIONS) {
                throw new IllegalArgumentException("range '" + item + "' expands to more than " + MAX_REVISIONS
                        + " revisions");
            }
            try {
                k = geometric ? Math.multiplyExact(k, by) : Math.addExact(k, by);
            } catch (ArithmeticException overflow) {
                k = Long.MAX_VALUE; // past any last number: reported as not reaching it
            }
        }
        if (k != last) {
            throw new IllegalArgumentException("range '" + item + "' does not reach " + prefix + last + " exactly (it"
                    + " goes from " + out.get(out.size() - 1) + " past it)");
        }
        out.add(prefix + last);
        return out;
    }
}
