package dev.superscope.pipeline;

import java.io.Serializable;
import java.util.Map;

/**
 * One checkpoint to audit or evaluate, as named in a models.yaml or on the command line. Serializable: a
 * distributed run sends targets to the machines that audit them.
 *
 * @param name         the name in the reports
 * @param family       models of one family are fitted together
 * @param location     a directory, a file or a hub id (with {@code @revision} when one was asked for)
 * @param architecture an architecture name ({@code --loader}), or null to detect it
 * @param losses       losses measured elsewhere, by dataset (become loss_&lt;dataset&gt; columns)
 * @param tensor       a tensor to analyse instead of the architecture's matrices ({@code --tensor}), or null
 * @param transpose    whether {@code tensor} is stored m x n (rows are its columns)
 * @param revision     the hub revision this target is a point of (a training sweep's step), or null
 */
public record Target(String name, String family, String location, String architecture, Map<String, Double> losses,
                     String tensor, boolean transpose, String revision) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Target {
        losses = Map.copyOf(losses);
    }

    /** A target for an architecture's matrices, without losses measured elsewhere. */
    public static Target of(String name, String family, String location, String architecture) {
        return new Target(name, family, location, architecture, Map.of(), null, false, null);
    }

    /** A target with losses measured elsewhere. */
    public static Target withLosses(String name, String family, String location, String architecture,
                                    Map<String, Double> losses) {
        return new Target(name, family, location, architecture, losses, null, false, null);
    }
}
