package dev.superscope.checkpoints.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.superscope.plugins.SuperscopeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hugging Face hub's public HTTP protocol, on the JDK's {@link HttpClient}: revision to commit
 * ({@code GET /api/models/{id}/revision/{rev}}), whole small files and byte ranges of large ones
 * ({@code GET /{id}/resolve/{commit}/{file}} with {@code Range}).
 *
 * <p>Redirects are followed by hand so that the access token goes only to the hub's own host: the hub
 * redirects large (LFS) files to a CDN host, which must not see it. The hub's headers on the first hop
 * ({@code X-Repo-Commit}, {@code X-Linked-Etag}, {@code X-Linked-Size}, {@code ETag}) are kept.
 *
 * <p>Failures: 5xx, 429, timeouts and dropped connections are retried with exponential back-off (a
 * range download resumes where the connection dropped); after the last try the error is a
 * {@link SuperscopeException} with exit code 4 (network). 401/403 (gated or private) and 404 (no such
 * repository, revision or file) are the user's to fix and exit with code 3, with a one-line message
 * saying what to do. Every message is one line.
 */
public final class HubClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int MAX_REDIRECTS = 10;
    private static final int BUFFER = 1 << 16;

    private final HubSettings settings;
    private final URI endpoint;
    private final HttpClient http;
    private final DownloadListener listener;
    private final ScheduledExecutorService watchdog;

    /** The commit a revision names and the files it holds. */
    public record Revision(String repo, String revision, String commit, List<String> files) {
        public Revision {
            files = List.copyOf(files);
        }
    }

    /** A whole file and the hub's identifiers for it. */
    public record FileBody(byte[] content, String etag, String commit) {
    }

    /** Some bytes of a file and the whole file's size. */
    public record Range(byte[] bytes, long fileSize) {
    }

    /** A client speaking to {@code settings.endpoint()}, reporting downloads to {@code listener}. */
    public HubClient(HubSettings settings, DownloadListener listener) {
        this.settings = settings;
        this.endpoint = URI.create(settings.endpoint() + "/");
        this.listener = listener;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.retry().connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "superscope-hub-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /** The settings this client uses. */
    public HubSettings settings() {
        return settings;
    }

    /**
     * The commit {@code id}'s revision names and the files at that commit.
     *
     * @throws SuperscopeException exit 3 when the repository or revision does not exist or is gated,
     *                             exit 4 when the hub cannot be reached
     */
    public Revision revision(HubId id) {
        URI uri = endpoint.resolve("api/models/" + id.repo() + "/revision/" + encode(id.revision()));
        String what = id.repo() + "@" + id.revision();
        byte[] body = withRetries(what, () -> {
            try (Response r = send(uri, null, id, null)) {
                return readAll(r.body, what, 64L << 20);
            }
        });
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new SuperscopeException(SuperscopeException.NETWORK, what + ": the hub's revision answer from " + uri
                    + " is not JSON");
        }
        String sha = root.path("sha").asText("");
        if (!HuggingFaceCache.isCommitHash(sha)) {
            throw new SuperscopeException(SuperscopeException.NETWORK, what + ": the hub's revision answer from " + uri
                    + " has no 40-hex \"sha\"");
        }
        List<String> files = new ArrayList<>();
        for (JsonNode sibling : root.path("siblings")) {
            String name = sibling.path("rfilename").asText("");
            if (!name.isEmpty()) {
                files.add(name);
            }
        }
        return new Revision(id.repo(), id.revision(), sha, files);
    }

    /**
     * The whole of a small file.
     *
     * @param cap largest size accepted; a larger file fails before it is read whole
     */
    public FileBody file(HubId id, String commit, String file, long cap) {
        URI uri = resolveUri(id.repo(), commit, file);
        String what = id.repo() + "@" + commit + "/" + file;
        return withRetries(what, () -> {
            try (Response r = send(uri, null, id, file)) {
                byte[] content = readAll(r.body, what, cap);
                String etag = r.linkedEtag != null ? r.linkedEtag : r.etag;
                return new FileBody(content, etag == null ? null : cleanEtag(etag),
                        r.repoCommit != null ? r.repoCommit : commit);
            }
        });
    }

    /** Bytes {@code [start, start+length)} of a file, and the file's size. */
    public Range range(HubId id, String commit, String file, long start, int length) {
        URI uri = resolveUri(id.repo(), commit, file);
        String what = id.repo() + "@" + commit + "/" + file;
        return withRetries(what, () -> {
            try (Response r = send(uri, "bytes=" + start + "-" + (start + length - 1), id, file)) {
                long size = fileSize(r, what);
                long skip = r.status == 200 ? start : checkRangeStart(r, start, what);
                skipFully(r.body, skip, what);
                byte[] out = r.body.readNBytes(length);
                if (out.length != length) {
                    throw new IOException("connection closed after " + out.length + " of " + length + " bytes");
                }
                return new Range(out, size);
            }
        });
    }

    /**
     * Appends bytes {@code [from, end)} of a file to {@code out} (at its current position). A dropped
     * connection resumes from the last byte written; {@code alreadyDone} bytes count toward progress.
     */
    public void download(HubId id, String commit, String file, long from, long end, FileChannel out, String label,
                         long alreadyDone) {
        URI uri = resolveUri(id.repo(), commit, file);
        String what = id.repo() + "@" + commit + "/" + file;
        long started = System.nanoTime();
        long total = alreadyDone + (end - from);
        long[] next = {from};
        int attempt = 0;
        while (next[0] < end) {
            attempt++;
            long before = next[0];
            try {
                try (Response r = send(uri, "bytes=" + next[0] + "-" + (end - 1), id, file)) {
                    long skip = r.status == 200 ? next[0] : checkRangeStart(r, next[0], what);
                    skipFully(r.body, skip, what);
                    copy(r.body, out, next, end, label, alreadyDone - from, total, started);
                }
            } catch (IOException io) {
                Retryable e = io instanceof Retryable r ? r : new Retryable(describe(io));
                if (next[0] > before) {
                    attempt = 1; // progress was made: count afresh from this try
                }
                if (attempt >= settings.retry().attempts()) {
                    throw e.giveUp(what, attempt);
                }
                sleep(attempt);
            }
        }
        listener.finished(label, total, System.nanoTime() - started);
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------------

    private void copy(InputStream in, FileChannel out, long[] next, long end, String label, long doneOffset,
                      long total, long started) throws Retryable {
        long[] lastRead = {System.nanoTime()};
        long idleLimit = settings.retry().readTimeout().toNanos();
        ScheduledFuture<?> guard = watchdog.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastRead[0] > idleLimit) {
                try {
                    in.close(); // unblocks the read below, which then fails and is retried
                } catch (IOException ignored) {
                    // Already closed.
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
        try {
            byte[] buffer = new byte[BUFFER];
            while (next[0] < end) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, end - next[0]));
                if (n < 0) {
                    throw new Retryable("connection closed at byte " + next[0] + " of " + end);
                }
                lastRead[0] = System.nanoTime();
                ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
                next[0] += n;
                listener.progress(label, next[0] + doneOffset, total, System.nanoTime() - started);
            }
        } catch (IOException e) {
            throw new Retryable(describe(e));
        } finally {
            guard.cancel(false);
        }
    }

    /** A failure worth another try. */
    private static final class Retryable extends IOException {
        private static final long serialVersionUID = 1L;

        Retryable(String message) {
            super(message);
        }

        SuperscopeException giveUp(String what, int attempts) {
            return new SuperscopeException(SuperscopeException.NETWORK, what + ": " + getMessage() + " (gave up after "
                    + attempts + (attempts == 1 ? " try)" : " tries)"), this);
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T withRetries(String what, Call<T> call) {
        for (int attempt = 1; ; attempt++) {
            Retryable failure;
            try {
                return call.run();
            } catch (Retryable e) {
                failure = e;
            } catch (IOException e) {
                failure = new Retryable(describe(e));
            }
            if (attempt >= settings.retry().attempts()) {
                throw failure.giveUp(what, attempt);
            }
            sleep(attempt);
        }
    }

    private void sleep(int attempt) {
        try {
            Thread.sleep(settings.retry().delayAfter(attempt).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SuperscopeException(SuperscopeException.NETWORK, "interrupted while waiting to retry");
        }
    }

    /** A response after redirects, with the first hop's hub headers. */
    private static final class Response implements AutoCloseable {
        final int status;
        final InputStream body;
        final HttpResponse<InputStream> last;
        String etag;
        String linkedEtag;
        String linkedSize;
        String repoCommit;

        Response(HttpResponse<InputStream> last) {
            this.last = last;
            this.status = last.statusCode();
            this.body = last.body();
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    /**
     * Sends a GET to {@code uri}, following redirects; the token goes only to the hub's own host. Fails
     * with a {@link Retryable} for statuses worth retrying and a {@link SuperscopeException} for the rest.
     */
    private Response send(URI uri, String range, HubId id, String file) throws IOException {
        URI current = uri;
        HttpResponse<InputStream> first = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).GET()
                    .timeout(settings.retry().readTimeout())
                    .header("User-Agent", "superscope/0.1; java");
            if (range != null) {
                request.header("Range", range);
            }
            if (settings.token() != null && sameOrigin(current, endpoint)) {
                request.header("Authorization", "Bearer " + settings.token());
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SuperscopeException(SuperscopeException.NETWORK, "interrupted while fetching " + current);
            }
            if (first == null) {
                first = response;
            }
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            if (status >= 300 && status < 400 && status != 304 && location.isPresent()) {
                response.body().close();
                current = current.resolve(location.get());
                continue;
            }
            if (status == 200 || status == 206) {
                Response r = new Response(response);
                r.etag = header(first, "ETag").orElse(header(response, "ETag").orElse(null));
                r.linkedEtag = header(first, "X-Linked-Etag").orElse(null);
                r.linkedSize = header(first, "X-Linked-Size").orElse(null);
                r.repoCommit = header(first, "X-Repo-Commit").orElse(null);
                return r;
            }
            response.body().close();
            throw failure(status, uri, id, file, response);
        }
        throw new SuperscopeException(SuperscopeException.NETWORK, uri + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private IOException failure(int status, URI uri, HubId id, String file, HttpResponse<?> response) {
        String what = file == null ? id.repo() + " at revision \"" + id.revision() + "\""
                : "file " + file + " of " + id.repo() + " at revision \"" + id.revision() + "\"";
        if (status == 401 || status == 403) {
            String fix = settings.token() == null
                    ? "gated or private: set HF_TOKEN (or run huggingface-cli login)"
                    : "gated or private, and the token in HF_TOKEN (or the token file) was refused or has not been"
                    + " granted access: accept the model's terms on its hub page or use another token";
            throw new SuperscopeException(SuperscopeException.BAD_INPUT, "the hub refused " + what + " (HTTP " + status
                    + "): " + fix + "; a mistyped id gets this answer too");
        }
        if (status == 404) {
            String error = header(response, "X-Error-Code").orElse("");
            String kind = error.equals("RevisionNotFound") ? "revision \"" + id.revision() + "\" does not exist"
                    : error.equals("EntryNotFound") ? "no such file" : "not found";
            throw new SuperscopeException(SuperscopeException.BAD_INPUT, what + ": " + kind + " on " + settings.endpoint()
                    + " (HTTP 404); check the id and the revision");
        }
        if (status == 429 || status >= 500) {
            return new Retryable("HTTP " + status + " from " + uri.getHost());
        }
        throw new SuperscopeException(SuperscopeException.NETWORK, what + ": unexpected HTTP " + status + " from "
                + uri);
    }

    private static long checkRangeStart(Response r, long start, String what) throws IOException {
        String cr = header(r.last, "Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(cr);
        if (!m.matches() || Long.parseLong(m.group(1)) != start) {
            throw new SuperscopeException(SuperscopeException.NETWORK, what + ": asked for bytes from " + start
                    + " but the server answered with Content-Range \"" + cr + "\"");
        }
        return 0;
    }

    private static long fileSize(Response r, String what) {
        if (r.status == 206) {
            Matcher m = CONTENT_RANGE.matcher(header(r.last, "Content-Range").orElse(""));
            if (m.matches() && !m.group(3).equals("*")) {
                return Long.parseLong(m.group(3));
            }
        } else {
            Optional<Long> length = r.last.headers().firstValueAsLong("Content-Length").stream().boxed().findFirst();
            if (length.isPresent()) {
                return length.get();
            }
        }
        if (r.linkedSize != null && r.linkedSize.matches("\\d{1,18}")) {
            return Long.parseLong(r.linkedSize);
        }
        throw new SuperscopeException(SuperscopeException.NETWORK, what + ": the server did not say how large the file is"
                + " (no Content-Range total, Content-Length or X-Linked-Size)");
    }

    private static void skipFully(InputStream in, long n, String what) throws IOException {
        // A server that ignores Range sends the whole file from byte 0; what comes before is dropped.
        long left = n;
        byte[] sink = left > 0 ? new byte[BUFFER] : null;
        while (left > 0) {
            int r = in.read(sink, 0, (int) Math.min(sink.length, left));
            if (r < 0) {
                throw new Retryable("connection closed while skipping to byte " + n);
            }
            left -= r;
        }
    }

    private static byte[] readAll(InputStream in, String what, long cap) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (out.size() > cap) {
                throw new SuperscopeException(SuperscopeException.BAD_INPUT, what + ": larger than the " + cap
                        + "-byte limit for a metadata file");
            }
        }
        return out.toByteArray();
    }

    private URI resolveUri(String repo, String commit, String file) {
        StringBuilder path = new StringBuilder(repo).append("/resolve/").append(commit);
        for (String part : file.split("/")) {
            path.append('/').append(encode(part));
        }
        return endpoint.resolve(path.toString());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static Optional<String> header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name);
    }

    /** An ETag as huggingface_hub names blobs: without {@code W/} and quotes. */
    static String cleanEtag(String etag) {
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.replace("\"", "");
    }

    private static String describe(IOException e) {
        String message = e.getMessage() == null || e instanceof java.net.http.HttpTimeoutException
                ? e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) : e.getMessage();
        return message.replaceAll("\\s+", " ");
    }
}
