package dev.superscope.pipeline.compute;

import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.plugins.compute.BackendSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which backend computes: the one the user named, when it can run with the settings (else a usage
 * error saying why not), or, for {@code auto}, the highest-ranked one that can. Deciding loads no native
 * code.
 */
public final class BackendChoice {
    private BackendChoice() {
    }

    /** The provider to open for {@code settings}. */
    public static BackendProvider choose(Plugins plugins, ComputeSettings settings) {
        BackendSettings wanted = settings.backendSettings();
        if (!ComputeSettings.AUTO.equals(settings.backend())) {
            BackendProvider named = plugins.backend(settings.backend());
            Optional<String> why = named.unavailableReason(wanted);
            if (why.isPresent()) {
                throw new SuperscopeException(SuperscopeException.USAGE, "--backend " + named.name()
                        + " cannot run here: " + why.get());
            }
            return named;
        }
        List<String> reasons = new ArrayList<>();
        Optional<BackendProvider> best = plugins.backends().values().stream()
                .filter(p -> {
                    Optional<String> why = p.unavailableReason(wanted);
                    why.ifPresent(w -> reasons.add(p.name() + ": " + w));
                    return why.isEmpty();
                })
                .max(Comparator.comparingInt(p -> p.rank(wanted)));
        return best.orElseThrow(() -> new SuperscopeException(SuperscopeException.USAGE,
                "no compute backend can run with --device " + settings.device().label() + " --precision "
                        + settings.precision().label() + (reasons.isEmpty() ? " (none is installed)"
                        : ": " + String.join("; ", reasons))));
    }
}
