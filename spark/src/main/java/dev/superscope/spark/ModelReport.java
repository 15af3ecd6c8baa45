package dev.superscope.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an executor sends back for one model: its models.csv rows (as models.csv text, which reads back
 * every number exactly) and the files its measurement wrote (the token table and the pictures, by path
 * relative to the output directory), or the one-line reason it failed; and the notes (warnings) its
 * audit printed.
 *
 * @param model     the model's name
 * @param rowsCsv   the rows as models.csv text (null when it failed)
 * @param files     the files written, by path relative to the output directory (empty when it failed)
 * @param exitCode  0, or the failure's exit code (3 bad input, 4 network, ...)
 * @param failure   the failure's one-line message (null when it succeeded)
 * @param notes     what the audit printed between steps (warnings)
 */
record ModelReport(String model, String rowsCsv, Map<String, byte[]> files, int exitCode, String failure,
                   List<String> notes)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    ModelReport {
        notes = List.copyOf(notes);
        files = new TreeMap<>(files);
    }

    static ModelReport measured(String model, String rowsCsv, Map<String, byte[]> files, List<String> notes) {
        return new ModelReport(model, rowsCsv, files, 0, null, notes);
    }

    static ModelReport failed(String model, int exitCode, String failure, List<String> notes) {
        return new ModelReport(model, null, Map.of(), exitCode, failure, notes);
    }

    boolean succeeded() {
        return failure == null;
    }
}
