package dev.superscope.checkpoints.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConsoleDownloadProgressTest {

    @Test
    void aLineShowsBytesRateAndTimeLeft() {
        assertEquals("wte  1.0 MB / 4.0 MB  1.0 MB/s  3 s left",
                ConsoleDownloadProgress.line("wte", 1_000_000, 4_000_000, 1_000_000_000L));
    }

    /** The label is a tensor name from a remote header: escaped, and cut to fit one line. */
    @Test
    void theLabelIsEscapedAndCut() {
        String line = ConsoleDownloadProgress.line("w\u001b]0;pwned\u0007\n" + "x".repeat(10_000), 1, 2, 1_000_000_000L);
        assertTrue(line.startsWith("w\\x1b]0;pwned\\x07\\nxxx"), line);
        assertTrue(line.length() < 120, line);
        assertTrue(line.chars().noneMatch(c -> c < 0x20));
    }
}
