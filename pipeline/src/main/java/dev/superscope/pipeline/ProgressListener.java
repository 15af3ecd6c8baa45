package dev.superscope.pipeline;

import java.util.function.Consumer;

/**
 * Where the pipeline reports progress on long steps (the command line draws it on standard error).
 * Calls come from one thread.
 */
public interface ProgressListener {

    /** Starts a step, e.g. "[3/27] gpt2-large unembedding: overlap". */
    void start(String step);

    /** How far the current step is, e.g. "1200/5000 tokens, 40 s left" (may be called often). */
    void update(String status);

    /** Ends the current step. */
    void done();

    /** A message between steps (warnings, skipped models). */
    void note(String message);

    /** A listener that reports nothing. */
    static ProgressListener silent() {
        return notesTo(message -> {
        });
    }

    /** A listener that hands each note to {@code notes} and drops the steps (their progress and timings). */
    static ProgressListener notesTo(Consumer<String> notes) {
        return new ProgressListener() {
            @Override
            public void start(String step) {
            }

            @Override
            public void update(String status) {
            }

            @Override
            public void done() {
            }

            @Override
            public void note(String message) {
                notes.accept(message);
            }
        };
    }
}
