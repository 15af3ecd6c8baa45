package dev.superscope.checkpoints.hub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The hashes the hub names files by, so that what arrived can be checked against what was announced:
 * an LFS file's ETag ({@code X-Linked-Etag}) is the SHA-256 of its content, a regular file's is its git
 * blob id (the SHA-1 of {@code "blob <size>\0"} and the content).
 */
final class ContentHashes {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

    private ContentHashes() {
    }

    /** Lower-case hex SHA-256 of {@code content}. */
    static String sha256(byte[] content) {
        return hex("SHA-256", new byte[0], content);
    }

    /** Git's blob id of {@code content}: lower-case hex SHA-1 of {@code "blob <size>\0"} then the content. */
    static String gitBlobId(byte[] content) {
        return hex("SHA-1", ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII), content);
    }

    /** True when {@code etag} looks like a SHA-256 (as an LFS file's ETag does). */
    static boolean isSha256(String etag) {
        return etag != null && SHA256.matcher(etag).matches();
    }

    /**
     * True when {@code etag} is provably {@code content}'s: its SHA-256, or its git blob id. Any other ETag
     * (a proxy's, a server's own scheme) proves nothing about the content.
     */
    static boolean names(String etag, byte[] content) {
        if (etag == null) {
            return false;
        }
        if (SHA256.matcher(etag).matches()) {
            return etag.equals(sha256(content));
        }
        return SHA1.matcher(etag).matches() && etag.equals(gitBlobId(content));
    }

    private static String hex(String algorithm, byte[] prefix, byte[] content) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            digest.update(prefix);
            return HexFormat.of().formatHex(digest.digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has " + algorithm, e);
        }
    }
}
