package dev.superscope.checkpoints.hub;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.io.AtomicFiles;
import dev.superscope.plugins.io.TerminalText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
     * Stores {@code content} as {@code file} of {@code commit}: in {@code blobs/<etag>} when the ETag is
     * provably this content's (its SHA-256 or git blob id, as huggingface_hub names blobs), else in
     * {@code blobs/<sha256 of the content>}. So two files never share a blob unless their bytes are the
     * same, whatever ETags a server sends, and a blob that is there with other bytes (a damaged or
     * poisoned one) is replaced by bytes that match its name.
     *
     * @param etag         the hub's ETag for the file, or null
     * @param etagVerified true when {@code etag} names {@code content} (see {@link ContentHashes#names})
     * @return the snapshot path of the file
     */
    Path writeFile(String repo, String commit, String file, byte[] content, String etag, boolean etagVerified) {
        String blobName = etagVerified && isPlainName(etag) ? etag : ContentHashes.sha256(content);
        Path repoDir = cache.repoFolder(repo);
        Path blob = repoDir.resolve("blobs").resolve(blobName);
        Path link = snapshot(repo, commit).resolve(file);
        try {
            AtomicFiles.write(blob, content);
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

    /** Removes {@code file} from the snapshot of {@code commit} (the link; its blob may serve others). */
    void forget(String repo, String commit, String file) {
        Path link = cache.repoFolder(repo).resolve("snapshots").resolve(commit).resolve(file);
        try {
            Files.deleteIfExists(link);
        } catch (IOException e) {
            throw cannotWrite(link, e);
        }
    }

    /** A blob name that is one plain path element: no "." or "..", nothing but letters, digits and "._-". */
    static boolean isPlainName(String name) {
        return name != null && name.matches("[0-9A-Za-z][0-9A-Za-z._-]{0,127}");
    }

    static SuperscopeException cannotWrite(Path path, IOException e) {
        // Escaped: the path and the message name files whose names came from the hub.
        return new SuperscopeException(1, TerminalText.safe(path.toString(), 300) + ": cannot write to the cache: "
                + TerminalText.safe(AtomicFiles.describe(e), 300), e);
    }

}
