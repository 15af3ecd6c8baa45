package dev.superscope.pipeline;

import java.util.Map;

/**
 * One checkpoint to audit or evaluate, as named in a models.yaml or on the command line.
 *
 * @param name         the name in the reports
 * @param family       models of one family are fitted together
 * @param location     a directory, a file or a hub id
 * @param architecture an architecture name ({@code --loader}), or null to detect it
 * @param losses       losses measured elsewhere, by dataset (become loss_&lt;dataset&gt; columns)
 */
public record Target(String name, String family, String location, String architecture, Map<String, Double> losses) {

    public Target {
        losses = Map.copyOf(losses);
    }

    /** A target without losses measured elsewhere. */
    public static Target of(String name, String family, String location, String architecture) {
        return new Target(name, family, location, architecture, Map.of());
    }
}
