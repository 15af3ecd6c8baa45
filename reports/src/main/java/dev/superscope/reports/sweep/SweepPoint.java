package dev.superscope.reports.sweep;

import dev.superscope.reports.ModelResult;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A row of models.csv read as the point of a training sweep: the sweep it belongs to (the model's name
 * without its {@code @revision} suffix: {@code pythia-70m} for {@code pythia-70m@step1000}) and the
 * training step its revision names (the number that ends it: 1000 for {@code step1000}).
 *
 * @param sweep the sweep's name
 * @param step  the training step
 * @param row   the row
 */
public record SweepPoint(String sweep, long step, ModelResult row) {
    private static final Pattern TRAILING_NUMBER = Pattern.compile("(\\d{1,18})$");

    /** The row as a sweep point, or empty when it has no revision or its revision ends in no number. */
    public static Optional<SweepPoint> of(ModelResult row) {
        String revision = row.revision();
        if (revision.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = TRAILING_NUMBER.matcher(revision);
        if (!m.find()) {
            return Optional.empty();
        }
        String suffix = "@" + revision;
        String sweep = row.model().endsWith(suffix)
                ? row.model().substring(0, row.model().length() - suffix.length()) : row.model();
        return Optional.of(new SweepPoint(sweep, Long.parseLong(m.group(1)), row));
    }
}
