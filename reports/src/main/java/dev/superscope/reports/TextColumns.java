package dev.superscope.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/** Aligned plain-text tables for the terminal: each column as wide as its widest cell, two spaces apart. */
public final class TextColumns {
    private TextColumns() {
    }

    /**
     * The lines of a table whose rows (header first) are {@code rows}: each cell is padded to its
     * column's width, on the right in the columns {@code leftAligned} names (text reads left to right),
     * on the left in the others (numbers line up on the right). The last cell of a line is never padded
     * on the right, so no line ends in spaces.
     */
    public static List<String> align(List<String[]> rows, IntPredicate leftAligned) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        List<String> lines = new ArrayList<>(rows.size());
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String pad = " ".repeat(width[i] - row[i].length());
                boolean left = leftAligned.test(i);
                line.append(i == 0 ? "" : "  ").append(left ? "" : pad).append(row[i])
                        .append(left && i < row.length - 1 ? pad : "");
            }
            lines.add(line.toString());
        }
        return lines;
    }
}
