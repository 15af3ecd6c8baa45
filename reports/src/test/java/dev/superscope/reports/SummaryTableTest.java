package dev.superscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTableTest {

    @Test
    void alignsColumnsAndShowsTheRatioToOneOverM() {
        String table = SummaryTable.format(List.of(
                Rows.row("openai-community/gpt2", "gpt2", "unembedding", 768, "msq_overlap", 0.0026,
                        "m_eff", 384.6, "frac_represented", 0.998),
                Rows.row("tiny", "gpt2", "embedding", 16, "msq_overlap", 0.0625, "msq_times_m", 1.0)));
        String[] lines = table.split("\n");
        assertEquals(3, lines.length);
        assertEquals(lines[0].length(), lines[1].length());
        assertEquals(lines[0].length(), lines[2].length());
        assertTrue(lines[0].startsWith("model                  matrix       "), lines[0]);
        assertTrue(lines[0].endsWith("frac_repr"));
        assertFalse(table.contains("decode_err"));
        assertEquals(List.of("openai-community/gpt2", "unembedding", "1000", "768", "0.002600", "0.001302", "1.997",
                "384.6", "0.9980"), List.of(lines[1].trim().split(" +")));
        assertEquals(List.of("tiny", "embedding", "1000", "16", "0.06250", "0.06250", "1.000", "-", "-"),
                List.of(lines[2].trim().split(" +")));
        // The number columns are right-aligned: they end where the header ends.
        int end = lines[0].indexOf("1/m") + 3;
        assertEquals("0.001302", lines[1].substring(end - 8, end));
    }

    @Test
    void addsTheDecodeErrorColumnWhenAnyRowHasIt() {
        String table = SummaryTable.format(List.of(Rows.row("a", "f", "unembedding", 8, "decode_error_rate", 0.125),
                Rows.row("b", "f", "unembedding", 8)));
        String[] lines = table.split("\n");
        assertTrue(lines[0].endsWith("decode_err"));
        assertTrue(lines[1].endsWith("0.1250"));
        assertTrue(lines[2].endsWith("-"));
        assertEquals(1, SummaryTable.format(List.of()).split("\n").length);
    }

    @Test
    void collapsedRowsAndTheirGroupsAreShownWhenMeasured() {
        java.util.Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        metrics.put("collapsed_rows", 260.0);
        metrics.put("collapsed_groups", 3.0);
        ModelResult measured = Rows.row("a", "f", "unembedding", 8, "msq_overlap", 0.125).withMetrics(metrics);
        ModelResult one = Rows.row("b", "f", "unembedding", 8, "collapsed_rows", 2.0)
                .withMetrics(java.util.Map.of("collapsed_rows", 2.0, "collapsed_groups", 1.0));
        String table = SummaryTable.format(java.util.List.of(measured, one, Rows.row("c", "f", "embedding", 8, "msq_overlap", 0.1)));
        String[] lines = table.split("\n");
        assertTrue(lines[0].endsWith("collapsed"), lines[0]);
        assertTrue(lines[1].endsWith("260 in 3 groups"), lines[1]);
        assertTrue(lines[2].endsWith("2 in 1 group"), lines[2]);
        assertTrue(lines[3].endsWith("-"), lines[3]);
    }

    /** Model names come from models.yaml or models.csv: escaped, and cut so one long name cannot widen every line. */
    @Test
    void namesAreEscapedAndCut() {
        String table = SummaryTable.format(List.of(
                Rows.row("evil\u001b]0;pwned\u0007\nloader x\u202e", "f", "unembedding", 8, "msq_overlap", 0.1),
                Rows.row("long" + "x".repeat(50_000), "f", "unembedding", 8, "msq_overlap", 0.1)));
        String[] lines = table.split("\n");
        assertEquals(3, lines.length, table);
        assertTrue(lines[1].startsWith("evil\\x1b]0;pwned\\x07\\nloader x\\u202e "), lines[1]);
        assertTrue(lines[2].startsWith("long" + "x".repeat(SummaryTable.MAX_CELL - 7) + "... "), lines[2]);
        assertTrue(table.length() < 1000, table.length() + " chars");
        assertTrue(table.chars().noneMatch(c -> c < 0x20 && c != '\n'));
    }
}
