package dev.superscope.reports;

import dev.superscope.plugins.BadInputException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * How numbers look in Superscope's CSV files: doubles in {@link Double#toString(double)} form, which
 * parses back to the identical double; NaN as an empty cell; counts as plain integers.
 */
public final class Cells {

    private Cells() {
    }

    /** A double that reads back exactly; NaN becomes an empty cell. */
    public static String number(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    /**
     * A count: a whole finite value is written without a fractional part ({@code 12}, not {@code 12.0});
     * anything else falls back to {@link #number}, so a strange value is shown rather than rounded away.
     */
    public static String count(double v) {
        if (Double.isFinite(v) && v == Math.rint(v) && Math.abs(v) < 0x1p53) {
            return Long.toString((long) v);
        }
        return number(v);
    }

    /** An optional integer; empty when absent. */
    public static String integer(OptionalInt v) {
        return v.isPresent() ? Integer.toString(v.getAsInt()) : "";
    }

    /** Parses a number cell; an empty (or blank) cell is NaN. */
    public static double parseNumber(String cell, Path file, String where) {
        String s = cell == null ? "" : cell.strip();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new BadInputException(file, where + ": not a number: '" + oneLine(s) + "'");
        }
    }

    /** Parses a whole-number cell that must be present. */
    public static long parseLong(String cell, Path file, String where) {
        String s = cell == null ? "" : cell.strip();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new BadInputException(file, where + ": not a whole number: '" + oneLine(s) + "'");
        }
    }

    /** Parses an optional int cell; empty is absent. */
    public static OptionalInt parseOptionalInt(String cell, Path file, String where) {
        String s = cell == null ? "" : cell.strip();
        if (s.isEmpty()) {
            return OptionalInt.empty();
        }
        long v = parseLong(s, file, where);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new BadInputException(file, where + ": out of range: " + v);
        }
        return OptionalInt.of((int) v);
    }

    /** Parses {@code true} or {@code false} (any case). */
    public static boolean parseBoolean(String cell, Path file, String where) {
        String s = cell == null ? "" : cell.strip();
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new BadInputException(file, where + ": expected true or false, not '" + oneLine(s) + "'");
    }

    /** Keeps error messages on one line and short, whatever the cell held. */
    static String oneLine(String s) {
        String flat = s.replaceAll("[\\r\\n]+", " ");
        return flat.length() > 60 ? flat.substring(0, 57) + "..." : flat;
    }
}
