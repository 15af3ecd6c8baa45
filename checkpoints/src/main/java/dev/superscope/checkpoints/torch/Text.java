package dev.superscope.checkpoints.torch;

/** Makes text taken from a file safe to put in a one-line message. */
final class Text {
    private Text() {
    }

    private static final int MAX_CHARS = 120;

    /** {@code s} with control characters replaced by '?' and cut to a readable length. */
    static String clean(String s) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_CHARS) + 3);
        for (int i = 0; i < s.length() && out.length() < MAX_CHARS; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || (c >= 0x7f && c < 0xa0) || Character.isSurrogate(c) ? '?' : c);
        }
        if (s.length() > MAX_CHARS) {
            out.append("...");
        }
        return out.toString();
    }
}
