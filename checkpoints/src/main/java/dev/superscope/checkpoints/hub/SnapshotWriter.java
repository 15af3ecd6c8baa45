package dev.superscope.checkpoints.hub;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Writes whole files into the Hugging Face cache the way {@code huggingface_hub} does, so that it and a
 * later offline run find them: the content in {@code blobs/<etag>}, a relative symbolic link
 * {@code snapshots/<commit>/<file>} to it, and {@code refs/<revision>} holding the commit. Every file and
 * link is written under a temporary name of its own and renamed into place ({@link AtomicFiles}), so
 * runs and threads writing the same file at once do not collide; where links cannot be made the file is
 * copied.
 */
final class SnapshotWriter {
    private final HuggingFaceCache cache;

    SnapshotWriter(HuggingFaceCache cache) {
        this.cache = cache;
    }

    /** The snapshot directory of {@code commit}, created when missing. */
    Path snapshot(String repo, String commit) {
        Path dir = cache.repoFolder(repo).resolve("snapshots").resolve(commit);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw cannotWrite(dir, e);
        }
        return dir;
    }

    /** Records that {@code revision} (a branch or tag) names {@code commit}; nothing for a commit hash. */
    void writeRef(String repo, String revision, String commit) {
        if (HuggingFaceCache.isCommitHash(revision)) {
            return;
        }
        Path ref = cache.repoFolder(repo).resolve("refs").resolve(revision);
        try {
            AtomicFiles.write(ref, commit.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw cannotWrite(ref, e);
        }
    }

    /**
     * Stores {@code content} as {@code file} of {@code commit}.
     *
     * @param etag the hub's ETag for the file (its blob name), or null to name the blob by its SHA-256
     * @return the snapshot path of the file
     */
    Path writeFile(String repo, String commit, String file, byte[] content, String etag) {
        String blobName = etag != null && etag.matches("[0-9A-Za-z._-]{1,128}") ? etag : sha256(content);
        Path repoDir = cache.repoFolder(repo);
        Path blob = repoDir.resolve("blobs").resolve(blobName);
        Path link = snapshot(repo, commit).resolve(file);
        try {
            if (!Files.isRegularFile(blob) || Files.size(blob) != content.length) {
                AtomicFiles.write(blob, content);
            }
            try {
                AtomicFiles.replaceWithSymbolicLink(link, link.getParent().relativize(blob));
            } catch (UnsupportedOperationException | IOException noLinks) {
                // File systems without symbolic links (some Windows setups): huggingface_hub copies too.
                AtomicFiles.write(link, content);
            }
        } catch (IOException e) {
            throw cannotWrite(link, e);
        }
        return link;
    }

    static SuperscopeException cannotWrite(Path path, IOException e) {
        return new SuperscopeException(1, path + ": cannot write to the cache: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
