package dev.superscope.plugins.io;

/**
 * Makes a string that came from a file or a server safe to print on a terminal.
 *
 * <p>A tensor name, a config value or a model name is data, and a terminal treats some characters as
 * commands: ESC starts sequences that set the window title or clear the screen, CR and LF let a value
 * forge a line of output of its own, and bidirectional overrides make text read differently from what
 * it is. {@link #safe} replaces each such character with a visible escape ({@code \x1b}, {@code \n},
 * {@code \u202e}), so the text shows what the file holds and does nothing else; {@link #truncate} bounds
 * its length, so output stays proportional to what is worth reading.
 *
 * <p>Escaped: the C0 controls (U+0000 to U+001F, including tab, CR and LF), DEL (U+007F), the C1
 * controls (U+0080 to U+009F, which some terminals obey as ESC sequences), the line and paragraph
 * separators U+2028/U+2029, the bidirectional controls (U+061C, U+200E, U+200F, U+202A to U+202E,
 * U+2066 to U+2069) and lone surrogates. Everything else, accented letters and other scripts included,
 * is kept as it is.
 */
public final class TerminalText {
    /** What {@link #truncate} appends to a shortened string. */
    public static final String ELLIPSIS = "...";

    private TerminalText() {
    }

    /** {@code s} with every character a terminal could act on replaced by a visible escape; "null" for null. */
    public static String safe(String s) {
        if (s == null) {
            return "null";
        }
        int first = firstUnsafe(s);
        if (first < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 16).append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i)); // a well-formed pair: an ordinary character
            } else if (isUnsafe(c)) {
                escape(out, c);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * {@code s} cut to at most {@code maxChars} characters, ending in {@value #ELLIPSIS} when cut (never
     * splitting a surrogate pair).
     *
     * @throws IllegalArgumentException when {@code maxChars} is smaller than the ellipsis
     */
    public static String truncate(String s, int maxChars) {
        if (maxChars < ELLIPSIS.length()) {
            throw new IllegalArgumentException("maxChars " + maxChars + " leaves no room for " + ELLIPSIS);
        }
        if (s == null || s.length() <= maxChars) {
            return s;
        }
        int keep = maxChars - ELLIPSIS.length();
        if (keep > 0 && Character.isHighSurrogate(s.charAt(keep - 1))) {
            keep--;
        }
        return s.substring(0, keep) + ELLIPSIS;
    }

    /**
     * {@link #safe} and then {@link #truncate}: at most {@code maxChars} characters, none of which a
     * terminal acts on. Only the first {@code maxChars} characters of {@code s} are looked at, so a huge
     * string costs no more than a short one.
     */
    public static String safe(String s, int maxChars) {
        if (s == null) {
            return "null";
        }
        String head = s.length() > maxChars ? s.substring(0, maxChars) + ELLIPSIS : s;
        return truncate(safe(head), maxChars);
    }

    /** True when {@code s} holds a character {@link #safe} would escape. */
    public static boolean needsEscaping(String s) {
        return s != null && firstUnsafe(s) >= 0;
    }

    private static int firstUnsafe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (isUnsafe(c)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isUnsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || isBidiControl(c)
                || Character.isSurrogate(c);
    }

    private static boolean isBidiControl(char c) {
        return c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }

    private static void escape(StringBuilder out, char c) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
                if (c < 0x100) {
                    out.append("\\x").append(hex(c, 2));
                } else {
                    out.append("\\u").append(hex(c, 4));
                }
            }
        }
    }

    private static String hex(char c, int digits) {
        String h = Integer.toHexString(c);
        return "0".repeat(digits - h.length()) + h;
    }
}
