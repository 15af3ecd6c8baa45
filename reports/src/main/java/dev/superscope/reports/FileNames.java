package dev.superscope.reports;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Turns model names (which may be hub ids such as {@code EleutherAI/pythia-70m}) into safe file names. */
public final class FileNames {

    /** Longer names are cut and given a hash suffix; most file systems allow 255 bytes. */
    static final int MAX_LENGTH = 150;

    private FileNames() {
    }

    /**
     * A file name for {@code model}: {@code /} becomes {@code --} ({@code EleutherAI--pythia-70m}), every
     * character other than ASCII letters, digits, {@code . _ -} becomes {@code _}, a leading dot becomes
     * {@code _} (no hidden files, no {@code ..}), and a name longer than 150 characters is cut and
     * suffixed with a hash of the full name. Distinct hub ids give distinct names; a name that already
     * contains {@code --} or the replaced characters can coincide with another one.
     */
    public static String safe(String model) {
        StringBuilder b = new StringBuilder(model.length() + 8);
        for (int i = 0; i < model.length(); i++) {
            char c = model.charAt(i);
            if (c == '/' || c == '\\') {
                b.append("--");
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-') {
                b.append(c);
            } else {
                b.append('_');
            }
        }
        if (b.length() == 0) {
            b.append('_');
        }
        if (b.charAt(0) == '.') {
            b.setCharAt(0, '_');
        }
        if (b.length() > MAX_LENGTH) {
            b.setLength(MAX_LENGTH - 17);
            b.append('-').append(sha256(model), 0, 16);
        }
        return b.toString();
    }

    private static String sha256(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
