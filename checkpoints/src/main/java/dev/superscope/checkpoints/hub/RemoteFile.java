package dev.superscope.checkpoints.hub;

/**
 * One file of a hub repository at a fixed commit.
 *
 * @param id     the repository and the revision the user asked for (kept for messages)
 * @param commit the 40-hex commit the revision resolved to
 * @param file   the file's path in the repository
 */
public record RemoteFile(HubId id, String commit, String file) {
    /** {@code org/name@commit/file}, for messages and {@code TensorInfo.source}. */
    @Override
    public String toString() {
        return id.repo() + "@" + commit + "/" + file;
    }
}
