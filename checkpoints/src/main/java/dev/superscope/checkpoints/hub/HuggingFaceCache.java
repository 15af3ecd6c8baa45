package dev.superscope.checkpoints.hub;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.io.SmallFiles;
import dev.superscope.plugins.io.TerminalText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The local Hugging Face hub cache, read-only, laid out as {@code huggingface_hub} writes it:
 * {@code <root>/models--org--name/refs/<revision>} holds a commit hash and
 * {@code <root>/models--org--name/snapshots/<commit>/} holds the files (usually symbolic links into
 * {@code blobs/}).
 *
 * <p>The root is found as {@code huggingface_hub} finds it: {@code HF_HUB_CACHE}, else the legacy
 * {@code HUGGINGFACE_HUB_CACHE}, else {@code $HF_HOME/hub}, else
 * {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}. Nothing is ever
 * downloaded here.
 */
public final class HuggingFaceCache {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    /** A ref holds a 40-hex commit; anything much larger is not one and is not read whole. */
    private static final long MAX_REF_BYTES = 4096;

    private final Path root;

    /** A cache at {@code root}. */
    public HuggingFaceCache(Path root) {
        this.root = root;
    }

    /** The cache the environment {@code env} points at (variables as described in the class comment). */
    public static HuggingFaceCache fromEnvironment(Map<String, String> env) {
        String home = nonEmpty(env.get("HOME")) ? env.get("HOME") : System.getProperty("user.home");
        String hubCache = firstNonEmpty(env.get("HF_HUB_CACHE"), env.get("HUGGINGFACE_HUB_CACHE"));
        if (hubCache != null) {
            return new HuggingFaceCache(expandHome(hubCache, home));
        }
        if (nonEmpty(env.get("HF_HOME"))) {
            return new HuggingFaceCache(expandHome(env.get("HF_HOME"), home).resolve("hub"));
        }
        if (nonEmpty(env.get("XDG_CACHE_HOME"))) {
            return new HuggingFaceCache(expandHome(env.get("XDG_CACHE_HOME"), home).resolve("huggingface")
                    .resolve("hub"));
        }
        return new HuggingFaceCache(Path.of(home, ".cache", "huggingface", "hub"));
    }

    /** The cache of this process's environment. */
    public static HuggingFaceCache fromSystemEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** The cache's root directory. */
    public Path root() {
        return root;
    }

    /** {@code <root>/models--org--name}, whether or not it exists. */
    public Path repoFolder(String repo) {
        return root.resolve("models--" + repo.replace("/", "--"));
    }

    /**
     * The snapshot directory of {@code id}: for a 40-hex revision {@code snapshots/<revision>}, else the
     * commit that {@code refs/<revision>} names.
     *
     * @throws BadInputException naming the path looked in when the repository, the ref or the snapshot
     *                           is not in the cache
     */
    public Path snapshot(HubId id) {
        Path repo = repoFolder(id.repo());
        if (!Files.isDirectory(repo)) {
            throw miss(repo, id, "is not in the Hugging Face cache (" + root + ")");
        }
        String commit;
        if (id.isCommit()) {
            commit = id.revision();
        } else {
            Path ref = repo.resolve("refs").resolve(id.revision());
            if (!Files.isRegularFile(ref)) {
                throw miss(ref, id, "does not exist: revision \"" + id.revision() + "\" of " + id.repo()
                        + " is not in the cache");
            }
            try {
                commit = new String(SmallFiles.read(ref, MAX_REF_BYTES), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new BadInputException(ref, "cannot be read: " + e.getMessage(), e);
            }
            if (!isCommitHash(commit)) {
                throw new BadInputException(ref, "should hold a 40-hex commit hash, not \""
                        + TerminalText.safe(commit, 60) + "\"");
            }
        }
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        if (!Files.isDirectory(snapshot)) {
            throw miss(snapshot, id, "does not exist: commit " + commit + " of " + id.repo() + " is not in the cache");
        }
        return snapshot;
    }

    /** True for a full lower-case 40-hex commit hash. */
    public static boolean isCommitHash(String s) {
        return COMMIT.matcher(s).matches();
    }

    private static BadInputException miss(Path lookedIn, HubId id, String what) {
        return new BadInputException(lookedIn, what + "; this command does not download models: fetch it first"
                + " (e.g. huggingface-cli download " + id.repo() + (id.revision().equals(HubId.DEFAULT_REVISION)
                ? "" : " --revision " + id.revision()) + ") or pass a local directory");
    }

    private static Path expandHome(String path, String home) {
        if (path.equals("~")) {
            return Path.of(home);
        }
        if (path.startsWith("~/")) {
            return Path.of(home, path.substring(2));
        }
        return Path.of(path);
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private static String firstNonEmpty(String a, String b) {
        return nonEmpty(a) ? a : nonEmpty(b) ? b : null;
    }
}
