package dev.superscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.pipeline.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.junit.jupiter.api.Test;

/** What the driver tells the user when Spark loses an executor: one line naming it and what happens next. */
class TaskFailureNotesTest {
    @Test
    void aLostExecutorIsOneLineSayingItsTasksRunAgain() {
        List<String> notes = new ArrayList<>();
        TaskFailureNotes listener = new TaskFailureNotes(ProgressListener.notesTo(notes::add), Map.of(0, "gpt2-m16"));
        listener.onExecutorRemoved(new SparkListenerExecutorRemoved(0L, "3",
                "Container killed by YARN for exceeding memory limits.\n  12.1 GB of 12 GB used"));
        assertEquals(1, notes.size());
        String note = notes.get(0);
        assertFalse(note.contains("\n"), note);
        assertTrue(note.startsWith("spark: executor 3 lost (Container killed by YARN"), note);
        assertTrue(note.contains("12.1 GB of 12 GB used") && note.endsWith("its tasks run again on the others"), note);
        assertEquals(0, listener.failedAttempts(), "a lost executor is not a failed attempt of a task");
    }
}
