package dev.superscope.checkpoints.hub;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face model id with an optional revision, as written on the command line:
 * {@code org/name} or {@code org/name@revision} (a branch, a tag, or a 40-hex commit).
 *
 * @param repo     {@code org/name}
 * @param revision the revision, {@code main} when none was given
 */
public record HubId(String repo, String revision) {
    /** The revision used when none is given. */
    public static final String DEFAULT_REVISION = "main";

    // Hub names: letters, digits, '-', '_', '.'; not starting with '.' or '-'. Revisions may hold '/'
    // (refs/pr/1) but no "..".
    private static final String REPO = "[A-Za-z0-9_][A-Za-z0-9._-]{0,95}/[A-Za-z0-9_][A-Za-z0-9._-]{0,95}";
    private static final String REVISION = "[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*";
    private static final Pattern SHAPE = Pattern.compile("(" + REPO + ")(?:@(" + REVISION + "))?");

    public HubId {
        if (!repo.matches(REPO) || repo.contains("..")) {
            throw new IllegalArgumentException("not a hub repository id: " + repo);
        }
        if (!revision.matches(REVISION) || revision.contains("..")) {
            throw new IllegalArgumentException("not a revision: " + revision);
        }
    }

    /** {@code arg} as a hub id, or empty when it does not have the shape {@code org/name[@revision]}. */
    public static Optional<HubId> parse(String arg) {
        Matcher m = SHAPE.matcher(arg);
        if (!m.matches() || arg.contains("..")) {
            return Optional.empty();
        }
        return Optional.of(new HubId(m.group(1), m.group(2) == null ? DEFAULT_REVISION : m.group(2)));
    }

    /** True when the revision is a full commit hash, used as a snapshot name directly. */
    public boolean isCommit() {
        return HuggingFaceCache.isCommitHash(revision);
    }

    @Override
    public String toString() {
        return repo + "@" + revision;
    }
}
