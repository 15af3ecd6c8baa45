package dev.superscope.checkpoints.hub;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.io.SmallFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the hub is and how to talk to it, read from the same environment variables
 * {@code huggingface_hub} reads.
 *
 * <ul>
 *   <li>{@code HF_ENDPOINT}: the hub's base URL (default {@code https://huggingface.co});</li>
 *   <li>{@code HF_TOKEN}: an access token for gated and private models, else the token file
 *       {@code $HF_HOME/token} (default {@code ~/.cache/huggingface/token}), as written by
 *       {@code huggingface-cli login}; a token holding a line break, DEL or another character no token
 *       has is refused before anything is sent, by where it came from, never by its value;</li>
 *   <li>{@code HF_HUB_OFFLINE=1} (or {@code true}/{@code yes}/{@code on}): only caches are used;</li>
 *   <li>{@code HF_HUB_CACHE}, {@code HF_HOME}, {@code XDG_CACHE_HOME}: the Hugging Face cache, as
 *       {@link HuggingFaceCache#fromEnvironment} finds it;</li>
 *   <li>{@code SUPERSCOPE_CACHE}: Superscope's own cache of partially downloaded tensors (default
 *       {@code $XDG_CACHE_HOME/superscope}, else {@code ~/.cache/superscope}); see {@link TensorCache};</li>
 *   <li>{@code SUPERSCOPE_HUB_TIMEOUT}, {@code SUPERSCOPE_HUB_DEADLINE}, {@code SUPERSCOPE_HUB_RETRY_DELAY}:
 *       seconds of silence before a try is abandoned (default 60), time one file may take before the
 *       per-megabyte allowance (default 600), and the first wait between tries (default 1).</li>
 * </ul>
 *
 * @param endpoint     the hub's base URL, without a trailing slash
 * @param token        the access token, or null
 * @param offline      true when nothing may be downloaded
 * @param hfCache      the Hugging Face cache small files are written into
 * @param tensorCache  Superscope's tensor cache root
 * @param retry        how often and how patiently failed requests are retried
 */
public record HubSettings(String endpoint, String token, boolean offline, HuggingFaceCache hfCache,
                          Path tensorCache, RetryPolicy retry) {
    /** The public hub. */
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    /**
     * Prefix of system properties that stand in for environment variables
     * ({@code -Dsuperscope.env.HF_ENDPOINT=...}); they win over the real environment. Tests use them
     * because a running JVM cannot change its own environment.
     */
    public static final String PROPERTY_PREFIX = "superscope.env.";
    /** Larger than any access token file; a bigger one is not one. */
    private static final long MAX_TOKEN_FILE_BYTES = 4096;

    /**
     * Retries and time limits.
     *
     * @param attempts       tries in all (at least 1); a try that made progress starts the count afresh
     * @param firstDelay     wait before the second try; each later wait is twice the one before
     * @param connectTimeout time allowed to open a connection
     * @param readTimeout    longest silence allowed while waiting for response headers or body bytes
     * @param fileDeadline   time one file (a revision answer, a small file, a range, a tensor) may take,
     *                       every try and wait included, before {@link #MB_DEADLINE} per megabyte is added
     * @param maxRetryAfter  longest wait a server's {@code Retry-After} is honoured for; a server asking for
     *                       more is given up on at once
     */
    public record RetryPolicy(int attempts, Duration firstDelay, Duration connectTimeout, Duration readTimeout,
                              Duration fileDeadline, Duration maxRetryAfter) {
        /** Time added to {@link #fileDeadline} per megabyte of a transfer: a floor of 500 kB/s. */
        public static final Duration MB_DEADLINE = Duration.ofSeconds(2);
        /** 10 minutes per file before the per-megabyte allowance. */
        public static final Duration DEFAULT_FILE_DEADLINE = Duration.ofMinutes(10);
        /** A server's Retry-After is honoured up to a minute. */
        public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);
        /** 5 tries, 1 s first back-off, 10 s to connect, 60 s of silence at most, the default deadlines. */
        public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofSeconds(60));

        public RetryPolicy {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1");
            }
        }

        /** A policy with the default file deadline and Retry-After limit. */
        public RetryPolicy(int attempts, Duration firstDelay, Duration connectTimeout, Duration readTimeout) {
            this(attempts, firstDelay, connectTimeout, readTimeout, DEFAULT_FILE_DEADLINE, DEFAULT_MAX_RETRY_AFTER);
        }

        /** This policy with another per-file deadline. */
        public RetryPolicy withFileDeadline(Duration deadline) {
            return new RetryPolicy(attempts, firstDelay, connectTimeout, readTimeout, deadline, maxRetryAfter);
        }

        /** This policy with another Retry-After limit. */
        public RetryPolicy withMaxRetryAfter(Duration limit) {
            return new RetryPolicy(attempts, firstDelay, connectTimeout, readTimeout, fileDeadline, limit);
        }

        /** The wait before try {@code attempt + 1} (attempt counts from 1). */
        Duration delayAfter(int attempt) {
            return firstDelay.multipliedBy(1L << Math.max(0, Math.min(attempt - 1, 10)));
        }

        /** The deadline of a transfer of {@code bytes} bytes: the file deadline plus 2 s per megabyte. */
        Duration deadlineFor(long bytes) {
            return fileDeadline.plus(MB_DEADLINE.multipliedBy(Math.max(0, bytes) / 1_000_000));
        }
    }

    public HubSettings {
        while (endpoint.endsWith("/")) {
            endpoint = endpoint.substring(0, endpoint.length() - 1);
        }
    }

    /** A copy that never downloads (for {@code --offline}). */
    public HubSettings offlineCopy() {
        return new HubSettings(endpoint, token, true, hfCache, tensorCache, retry);
    }

    /** A copy with another retry policy (tests use short back-offs). */
    public HubSettings withRetry(RetryPolicy policy) {
        return new HubSettings(endpoint, token, offline, hfCache, tensorCache, policy);
    }

    /** Settings from {@code env}, a map of environment variables. */
    public static HubSettings fromEnvironment(Map<String, String> env) {
        String home = nonEmpty(env.get("HOME")) ? env.get("HOME") : System.getProperty("user.home");
        String endpoint = nonEmpty(env.get("HF_ENDPOINT")) ? env.get("HF_ENDPOINT") : DEFAULT_ENDPOINT;
        String token = token(env, home);
        boolean offline = isTrue(env.get("HF_HUB_OFFLINE"));
        Path tensors;
        if (nonEmpty(env.get("SUPERSCOPE_CACHE"))) {
            tensors = expandHome(env.get("SUPERSCOPE_CACHE"), home);
        } else if (nonEmpty(env.get("XDG_CACHE_HOME"))) {
            tensors = expandHome(env.get("XDG_CACHE_HOME"), home).resolve("superscope");
        } else {
            tensors = Path.of(home, ".cache", "superscope");
        }
        return new HubSettings(endpoint, token, offline, HuggingFaceCache.fromEnvironment(env), tensors,
                retryPolicy(env));
    }

    /**
     * The default policy with the time limits the environment sets: {@code SUPERSCOPE_HUB_TIMEOUT} (read
     * timeout), {@code SUPERSCOPE_HUB_DEADLINE} (per-file deadline) and {@code SUPERSCOPE_HUB_RETRY_DELAY}
     * (first back-off), each in seconds (fractions allowed).
     */
    private static RetryPolicy retryPolicy(Map<String, String> env) {
        RetryPolicy d = RetryPolicy.DEFAULT;
        return new RetryPolicy(d.attempts(), seconds(env, "SUPERSCOPE_HUB_RETRY_DELAY", d.firstDelay()),
                d.connectTimeout(), seconds(env, "SUPERSCOPE_HUB_TIMEOUT", d.readTimeout()),
                seconds(env, "SUPERSCOPE_HUB_DEADLINE", d.fileDeadline()), d.maxRetryAfter());
    }

    private static Duration seconds(Map<String, String> env, String name, Duration fallback) {
        String v = env.get(name);
        if (!nonEmpty(v)) {
            return fallback;
        }
        try {
            double s = Double.parseDouble(v.trim());
            if (s > 0 && s <= 1e7) {
                return Duration.ofNanos(Math.round(s * 1e9));
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new SuperscopeException(SuperscopeException.USAGE, name + " must be a positive number of seconds");
    }

    /**
     * This process's environment with any {@code superscope.env.NAME} system property taking the place
     * of variable {@code NAME}.
     */
    public static Map<String, String> processEnvironment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        Properties props = System.getProperties();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(PROPERTY_PREFIX)) {
                env.put(key.substring(PROPERTY_PREFIX.length()), props.getProperty(key));
            }
        }
        return env;
    }

    /** Settings of this process (see {@link #processEnvironment}). */
    public static HubSettings fromProcess() {
        return fromEnvironment(processEnvironment());
    }

    /**
     * The access token: {@code HF_TOKEN} when set (blank counts as unset), else the token file; either
     * trimmed of surrounding white space, as huggingface_hub trims it.
     *
     * @throws SuperscopeException (exit 3) when the token holds a character no token has (a line break,
     *                             DEL, a control character, space inside it, non-ASCII): the JDK would
     *                             refuse it as a header value, and its error would print the token
     */
    private static String token(Map<String, String> env, String home) {
        String fromEnv = env.get("HF_TOKEN");
        if (fromEnv != null && !fromEnv.trim().isEmpty()) {
            return checkedToken(fromEnv.trim(), "HF_TOKEN");
        }
        Path file = tokenFilePath(env, home);
        String fromFile = readTokenFile(file);
        return fromFile == null ? null : checkedToken(fromFile, "the token file " + file);
    }

    private static Path tokenFilePath(Map<String, String> env, String home) {
        Path hfHome = nonEmpty(env.get("HF_HOME")) ? expandHome(env.get("HF_HOME"), home)
                : nonEmpty(env.get("XDG_CACHE_HOME")) ? expandHome(env.get("XDG_CACHE_HOME"), home).resolve("huggingface")
                : Path.of(home, ".cache", "huggingface");
        return nonEmpty(env.get("HF_TOKEN_PATH")) ? expandHome(env.get("HF_TOKEN_PATH"), home) : hfHome.resolve("token");
    }

    private static String readTokenFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            String t = new String(SmallFiles.read(file, MAX_TOKEN_FILE_BYTES), StandardCharsets.UTF_8).trim();
            return t.isEmpty() ? null : t;
        } catch (SmallFiles.RefusedFileException e) {
            throw new SuperscopeException(SuperscopeException.BAD_INPUT, "the token file " + file + " " + e.getMessage()
                    + "; it should hold one access token");
        } catch (IOException e) {
            return null; // an unreadable token file is the same as none; a gated model then says how to fix it
        }
    }

    /** {@code token} when every character is printable ASCII; else a refusal naming {@code source}, never the value. */
    private static String checkedToken(String token, String source) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                String kind = c == '\r' || c == '\n' ? "a line break" : c == 0x7f ? "a DEL character"
                        : c == ' ' || c == '\t' ? "white space" : c < 0x20 ? "a control character"
                        : "a character outside printable ASCII";
                throw new SuperscopeException(SuperscopeException.BAD_INPUT, source + " holds " + kind + " at"
                        + " character " + (i + 1) + " (a copy-paste accident?); an access token is letters, digits"
                        + " and punctuation only: set it again");
            }
        }
        return token;
    }

    private static boolean isTrue(String v) {
        return v != null && switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            default -> false;
        };
    }

    private static Path expandHome(String path, String home) {
        if (path.equals("~")) {
            return Path.of(home);
        }
        return path.startsWith("~/") ? Path.of(home, path.substring(2)) : Path.of(path);
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    @Override
    public String toString() {
        // Never print the token.
        return "HubSettings[" + endpoint + ", token " + (token == null ? "none" : "set") + ", offline " + offline
                + ", " + hfCache.root() + ", " + tensorCache + "]";
    }
}
