package dev.superscope.reports.sweep;

import dev.superscope.reports.ModelResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the fits against m see a training sweep. The widths of a family are compared at one point of
 * training: a sweep point is fitted with the other models of its family at the same revision, under the
 * family {@code <family>@<revision>} (so fits.csv has one slope per training step, e.g.
 * {@code pythia@step143000}); rows without a revision are fitted by family as before.
 */
public final class SweepFits {
    private SweepFits() {
    }

    /** The rows as the fits see them. */
    public static List<ModelResult> fitView(List<ModelResult> rows) {
        return rows.stream().map(r -> r.revision().isEmpty() ? r : r.withFamily(r.family() + "@" + r.revision()))
                .toList();
    }

    /**
     * The rows the overlap-against-1/m plot draws: rows without a revision, and of each family's sweep
     * points only those at its last step (the trained models; the path through training is
     * overlap_vs_step.png's), under their fitted family name.
     */
    public static List<ModelResult> plotView(List<ModelResult> rows) {
        Map<String, Long> lastStep = new HashMap<>();
        for (ModelResult r : rows) {
            SweepPoint.of(r).ifPresent(p -> lastStep.merge(r.family(), p.step(), Math::max));
        }
        return fitView(rows.stream().filter(r -> {
            Optional<SweepPoint> p = SweepPoint.of(r);
            return p.isEmpty() || p.get().step() == lastStep.get(r.family());
        }).toList());
    }
}
