package dev.superscope.plugins.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void plainTextIsReturnedAsIs() {
        String s = "transformer.wte.weight caf\u00e9 \u4e2d\u6587 \ud83d\ude00 a\\b";
        assertSame(s, TerminalText.safe(s));
        assertFalse(TerminalText.needsEscaping(s));
    }

    @Test
    void escapeSequencesAndLineBreaksBecomeVisible() {
        assertEquals("\\x1b]0;pwned\\x07name", TerminalText.safe("\u001b]0;pwned\u0007name"));
        assertEquals("\\x1b[2J", TerminalText.safe("\u001b[2J"));
        assertEquals("a\\nloader    evil", TerminalText.safe("a\nloader    evil"));
        assertEquals("\\r\\t\\x00\\x7f\\x9b", TerminalText.safe("\r\t\u0000\u007f\u009b"));
    }

    @Test
    void bidiOverridesSeparatorsAndLoneSurrogatesAreEscaped() {
        assertEquals("abc\\u202etxt.exe", TerminalText.safe("abc\u202etxt.exe"));
        assertEquals("\\u2066\\u2069\\u200f\\u061c", TerminalText.safe("\u2066\u2069\u200f\u061c"));
        assertEquals("a\\u2028b", TerminalText.safe("a\u2028b"));
        assertEquals("x\\ud800y", TerminalText.safe("x\ud800y"));
        assertTrue(TerminalText.needsEscaping("\u001b"));
    }

    @Test
    void nothingUnsafeSurvivesAnyCharacter() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            all.append(c);
        }
        String out = TerminalText.safe(all.toString());
        assertFalse(TerminalText.needsEscaping(out), "safe() output needs no more escaping");
        assertTrue(out.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == 0x1b));
    }

    @Test
    void truncateBoundsTheLengthAndMarksTheCut() {
        assertEquals("abcdef", TerminalText.truncate("abcdef", 6));
        assertEquals("abc...", TerminalText.truncate("abcdefg", 6));
        assertEquals(6, TerminalText.truncate("x".repeat(50_000), 6).length());
        // A surrogate pair is kept whole or dropped whole.
        assertEquals("a...", TerminalText.truncate("a\ud83d\ude00bcdef", 5));
        assertThrows(IllegalArgumentException.class, () -> TerminalText.truncate("abc", 2));
    }

    @Test
    void safeWithALimitEscapesFirstAndNeverExceedsTheLimit() {
        String hostile = "\u001b".repeat(100_000);
        String shown = TerminalText.safe(hostile, 40);
        assertEquals(40, shown.length());
        assertTrue(shown.startsWith("\\x1b\\x1b") && shown.endsWith("..."), shown);
        assertEquals("short", TerminalText.safe("short", 40));
        assertEquals("null", TerminalText.safe(null));
    }
}
