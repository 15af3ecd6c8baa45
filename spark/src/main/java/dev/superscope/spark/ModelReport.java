package dev.superscope.spark;

import java.io.Serializable;
import java.util.List;

/**
 * What an executor sends back for one model: its models.csv rows (as models.csv text, which reads back
 * every number exactly) and its token table's bytes, or the one-line reason it failed; and the notes
 * (warnings) its audit printed.
 *
 * @param model     the model's name
 * @param rowsCsv   the rows as models.csv text (null when it failed)
 * @param tokensCsv tokens/&lt;model&gt;.csv's bytes (null when it failed)
 * @param exitCode  0, or the failure's exit code (3 bad input, 4 network, ...)
 * @param failure   the failure's one-line message (null when it succeeded)
 * @param notes     what the audit printed between steps (warnings)
 */
record ModelReport(String model, String rowsCsv, byte[] tokensCsv, int exitCode, String failure, List<String> notes)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    ModelReport {
        notes = List.copyOf(notes);
    }

    static ModelReport measured(String model, String rowsCsv, byte[] tokensCsv, List<String> notes) {
        return new ModelReport(model, rowsCsv, tokensCsv, 0, null, notes);
    }

    static ModelReport failed(String model, int exitCode, String failure, List<String> notes) {
        return new ModelReport(model, null, null, exitCode, failure, notes);
    }

    boolean succeeded() {
        return failure == null;
    }
}
