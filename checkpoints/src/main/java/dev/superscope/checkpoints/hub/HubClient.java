package dev.superscope.checkpoints.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.io.AtomicFiles;
import dev.superscope.plugins.io.TerminalText;
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
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
 * <p>Failures: 5xx, 429, timeouts and dropped connections are retried with exponential back-off, or
 * after the wait a {@code Retry-After} header asks for when it asks for no more than the policy's limit
 * (a server asking for more is given up on at once); a range download resumes where the connection
 * dropped. No read waits for ever: response headers must arrive within the read timeout, and every body
 * is read through a {@link WatchedBody}, which abandons the try after that much silence. Each file (a
 * revision answer, a small file, a range, a tensor download) has a {@link Deadline} covering every try
 * and wait, so a server that drips bytes cannot hold a run either. After the last try the error is a
 * {@link SuperscopeException} with exit code 4 (network). 401/403 (gated or private) and 404 (no such
 * repository, revision or file) are the user's to fix and exit with code 3, with a one-line message
 * saying what to do. Every message is one line; none holds the access token.
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

    /**
     * A whole file and the hub's identifiers for it.
     *
     * @param etag         the hub's ETag (without quotes), or null
     * @param etagVerified true when the ETag is provably this content's (its SHA-256 or git blob id), so
     *                     the content may be stored under it
     */
    public record FileBody(byte[] content, String etag, boolean etagVerified, String commit) {
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
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "superscope-hub-watchdog");
            t.setDaemon(true);
            return t;
        });
        // Every body has a check pending; a closed body's is dropped at once, not kept until it was due.
        timer.setRemoveOnCancelPolicy(true);
        this.watchdog = timer;
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
        byte[] body = withRetries(what, policy().deadlineFor(0), deadline -> {
            try (Response r = send(uri, null, id, null, deadline)) {
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
        String what = id.repo() + "@" + commit + "/" + TerminalText.safe(file, 200);
        // Small files are small: the flat deadline, not one for the cap.
        return withRetries(what, policy().deadlineFor(0), deadline -> {
            try (Response r = send(uri, null, id, file, deadline)) {
                byte[] content = readAll(r.body, what, cap);
                String etag = r.linkedEtag != null ? cleanEtag(r.linkedEtag) : r.etag == null ? null : cleanEtag(r.etag);
                checkAnnounced(r, content, etag);
                return new FileBody(content, etag, ContentHashes.names(etag, content),
                        r.repoCommit != null ? r.repoCommit : commit);
            }
        });
    }

    /** Bytes {@code [start, start+length)} of a file, and the file's size. */
    public Range range(HubId id, String commit, String file, long start, int length) {
        URI uri = resolveUri(id.repo(), commit, file);
        String what = id.repo() + "@" + commit + "/" + TerminalText.safe(file, 200);
        return withRetries(what, policy().deadlineFor(length), deadline -> {
            try (Response r = send(uri, "bytes=" + start + "-" + (start + length - 1), id, file, deadline)) {
                long size = fileSize(r, what);
                long skip = r.status == 200 ? start : checkRangeStart(r, start, what);
                skipFully(r.body, skip);
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
     * connection resumes from the last byte written; {@code alreadyDone} bytes count toward progress. The
     * whole download, every try and wait included, must end within the policy's deadline for its size.
     */
    public void download(HubId id, String commit, String file, long from, long end, FileChannel out, String label,
                         long alreadyDone) {
        URI uri = resolveUri(id.repo(), commit, file);
        String what = id.repo() + "@" + commit + "/" + TerminalText.safe(file, 200);
        Deadline deadline = Deadline.after(policy().deadlineFor(end - from));
        long started = System.nanoTime();
        long total = alreadyDone + (end - from);
        long[] next = {from};
        int attempt = 0;
        while (next[0] < end) {
            attempt++;
            long before = next[0];
            try {
                try (Response r = send(uri, "bytes=" + next[0] + "-" + (end - 1), id, file, deadline)) {
                    long skip = r.status == 200 ? next[0] : checkRangeStart(r, next[0], what);
                    skipFully(r.body, skip);
                    copy(r.body, out, next, end, label, alreadyDone - from, total, started, what);
                }
            } catch (IOException io) {
                if (next[0] > before) {
                    attempt = 1; // progress was made: count afresh from this try (the deadline still holds)
                }
                sleep(nextWait(io, attempt, deadline, what));
            }
        }
        listener.finished(label, total, System.nanoTime() - started);
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------------

    private HubSettings.RetryPolicy policy() {
        return settings.retry();
    }

    private void copy(InputStream in, FileChannel out, long[] next, long end, String label, long doneOffset,
                      long total, long started, String what) throws IOException {
        byte[] buffer = new byte[BUFFER];
        while (next[0] < end) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, end - next[0]));
            if (n < 0) {
                throw new IOException("connection closed at byte " + next[0] + " of " + end);
            }
            ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
            try {
                while (b.hasRemaining()) {
                    out.write(b);
                }
            } catch (IOException e) {
                // A full disk is not the network's fault: no retry, and not exit 4.
                throw new SuperscopeException(1, what + ": cannot write what arrived to the tensor cache: "
                        + TerminalText.safe(AtomicFiles.describe(e), 300), e);
            }
            next[0] += n;
            listener.progress(label, next[0] + doneOffset, total, System.nanoTime() - started);
        }
    }

    /** A failure worth another try after {@code retryAfter} (null: the usual back-off). */
    private static final class TryAgain extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Duration retryAfter;

        TryAgain(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run(Deadline deadline) throws IOException;
    }

    private <T> T withRetries(String what, Duration allowed, Call<T> call) {
        Deadline deadline = Deadline.after(allowed);
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run(deadline);
            } catch (IOException e) {
                sleep(nextWait(e, attempt, deadline, what));
            }
        }
    }

    /**
     * How long to wait before the next try after {@code failure} ended try {@code attempt}: the server's
     * Retry-After when it gave one (up to the policy's limit), else the back-off.
     *
     * @throws SuperscopeException (exit 4) when no further try is allowed: the tries are used up, the
     *                             deadline would pass during the wait, or the server asks for a longer wait
     */
    private Duration nextWait(IOException failure, int attempt, Deadline deadline, String what) {
        String reason = describe(failure);
        if (failure instanceof WatchedBody.DeadlineException || deadline.remainingNanos() <= 0) {
            throw pastDeadline(what, reason, deadline, failure);
        }
        Duration wait = policy().delayAfter(attempt);
        if (failure instanceof TryAgain t && t.retryAfter != null) {
            if (t.retryAfter.compareTo(policy().maxRetryAfter()) > 0) {
                throw new SuperscopeException(SuperscopeException.NETWORK, what + ": " + reason + "; the server asks"
                        + " to retry after " + WatchedBody.seconds(t.retryAfter.toNanos()) + ", longer than the "
                        + WatchedBody.seconds(policy().maxRetryAfter().toNanos())
                        + " Superscope waits; try again later", failure);
            }
            wait = t.retryAfter;
        }
        if (attempt >= policy().attempts()) {
            throw new SuperscopeException(SuperscopeException.NETWORK, what + ": " + reason + " (gave up after "
                    + attempt + (attempt == 1 ? " try)" : " tries)"), failure);
        }
        if (deadline.leavesLessThan(wait)) {
            throw pastDeadline(what, reason, deadline, failure);
        }
        return wait;
    }

    private static SuperscopeException pastDeadline(String what, String reason, Deadline deadline, IOException e) {
        return new SuperscopeException(SuperscopeException.NETWORK, what + ": not complete after "
                + deadline.describeAllowed() + ", the time allowed for it (last: " + reason + "); what arrived is"
                + " kept, run again to resume, or set SUPERSCOPE_HUB_DEADLINE (seconds per file, before the"
                + " allowance per megabyte) to allow more", e);
    }

    private void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SuperscopeException(SuperscopeException.NETWORK, "interrupted while waiting to retry");
        }
    }

    /** A response after redirects, with the first hop's hub headers and a body that cannot hang. */
    private static final class Response implements AutoCloseable {
        final int status;
        final InputStream body;
        final HttpResponse<InputStream> last;
        String etag;
        String linkedEtag;
        String linkedSize;
        String repoCommit;

        Response(HttpResponse<InputStream> last, InputStream body) {
            this.last = last;
            this.status = last.statusCode();
            this.body = body;
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    /**
     * Sends a GET to {@code uri}, following redirects; the token goes only to the hub's own host. Fails
     * with an IOException for what is worth another try and a {@link SuperscopeException} for the rest.
     * The headers must arrive within the read timeout (and the deadline); the body returned is watched
     * the same way ({@link WatchedBody}).
     */
    private Response send(URI uri, String range, HubId id, String file, Deadline deadline) throws IOException {
        URI current = uri;
        HttpResponse<InputStream> first = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            long left = deadline.remainingNanos();
            if (left <= 0) {
                throw new WatchedBody.DeadlineException("no answer yet");
            }
            HttpResponse<InputStream> response;
            try {
                HttpRequest request = request(current, range, Duration.ofNanos(Math.min(left,
                        policy().readTimeout().toNanos())));
                response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                // The hub URL asked for, never the redirect target: a CDN's query string is a credential.
                throw new SuperscopeException(SuperscopeException.NETWORK, "interrupted while fetching " + uri);
            } catch (IllegalArgumentException e) {
                // Nor the JDK's message, which repeats the target URL.
                throw new SuperscopeException(SuperscopeException.NETWORK, "cannot fetch " + uri
                        + (hop == 0 ? "" : " (the server redirected to a URL that cannot be requested)"));
            }
            if (first == null) {
                first = response;
            }
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            if (status >= 300 && status < 400 && status != 304 && location.isPresent()) {
                response.body().close();
                current = redirectTarget(current, location.get(), uri);
                continue;
            }
            if (status == 200 || status == 206) {
                refuseEncoded(response, id.repo() + "@" + id.revision()
                        + (file == null ? "" : "/" + TerminalText.safe(file, 200)));
                Response r = new Response(response, new WatchedBody(response.body(), watchdog,
                        policy().readTimeout(), deadline));
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

    /**
     * Refuses a body in a content coding (gzip, br, ...) that was not asked for: stored as it came, a
     * compressed config.json would poison the shared cache; and a byte range of one means nothing.
     */
    private static void refuseEncoded(HttpResponse<InputStream> response, String what) throws IOException {
        String coding = header(response, "Content-Encoding").map(String::trim).orElse("");
        if (!coding.isEmpty() && !coding.equalsIgnoreCase("identity")) {
            response.body().close();
            throw new SuperscopeException(SuperscopeException.NETWORK, what + ": the server sent it with"
                    + " Content-Encoding \"" + TerminalText.safe(coding, 40) + "\", which Superscope did not ask"
                    + " for (it asks for identity); refused rather than stored");
        }
    }

    /**
     * A GET of {@code uri}. The token is added only for the hub's own origin; a token the JDK refuses as
     * a header value is reported without the value (HubSettings refuses such tokens first).
     */
    private HttpRequest request(URI uri, String range, Duration headersWithin) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET()
                .timeout(headersWithin)
                .header("User-Agent", "superscope/0.1; java")
                // Bytes are stored and ranges counted as they are on the hub: no compression, asked or not.
                .header("Accept-Encoding", "identity");
        if (range != null) {
            request.header("Range", range);
        }
        if (settings.token() != null && sameOrigin(uri, endpoint)) {
            try {
                request.header("Authorization", "Bearer " + settings.token());
            } catch (IllegalArgumentException refused) {
                // The JDK's message quotes the header value, token included: neither it nor the cause is kept.
                throw new SuperscopeException(SuperscopeException.BAD_INPUT, "the access token (HF_TOKEN or the"
                        + " token file) holds characters an HTTP header cannot carry; set it again");
            }
        }
        return request.build();
    }

    /**
     * Where a redirect from {@code from} leads: an http or https URL. Anything else (a {@code file:} URL,
     * a location that is not a URL) is the server misbehaving, a network failure.
     */
    private static URI redirectTarget(URI from, String location, URI asked) {
        URI next;
        try {
            next = from.resolve(location.trim());
        } catch (IllegalArgumentException malformed) {
            throw new SuperscopeException(SuperscopeException.NETWORK, asked + ": the server redirected to a"
                    + " malformed location");
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || next.getHost() == null) {
            throw new SuperscopeException(SuperscopeException.NETWORK, asked + ": the server redirected to "
                    + (scheme.isEmpty() ? "a location without a host" : "a " + scheme + ": URL")
                    + ", which Superscope does not follow");
        }
        return next;
    }

    private IOException failure(int status, URI uri, HubId id, String file, HttpResponse<?> response) {
        String what = file == null ? id.repo() + " at revision \"" + id.revision() + "\""
                : "file " + TerminalText.safe(file, 200) + " of " + id.repo() + " at revision \"" + id.revision()
                + "\"";
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
            return new TryAgain("HTTP " + status + " from " + uri.getHost(), retryAfter(response).orElse(null));
        }
        throw new SuperscopeException(SuperscopeException.NETWORK, what + ": unexpected HTTP " + status + " from "
                + uri);
    }

    /**
     * Checks a whole file against what the hub announced before anything stores it: its size
     * (Content-Length, and X-Linked-Size for an LFS file) and, for an LFS file, the SHA-256 its ETag
     * is. A mismatch is worth another try (the bytes were damaged on the way, or a proxy meddled).
     */
    private static void checkAnnounced(Response r, byte[] content, String etag) throws IOException {
        OptionalLong length = r.last.headers().firstValueAsLong("Content-Length");
        if (length.isPresent() && length.getAsLong() != content.length) {
            throw new IOException("received " + content.length + " bytes where Content-Length announced "
                    + length.getAsLong());
        }
        if (r.linkedSize != null && !r.linkedSize.trim().equals(Long.toString(content.length))) {
            throw new IOException("received " + content.length + " bytes where the hub announced "
                    + TerminalText.safe(r.linkedSize.trim(), 40) + " (X-Linked-Size)");
        }
        if (r.linkedEtag != null && ContentHashes.isSha256(etag) && !etag.equals(ContentHashes.sha256(content))) {
            throw new IOException("the content's SHA-256 is not the " + etag + " the hub announced (X-Linked-Etag)");
        }
    }

    private static long checkRangeStart(Response r, long start, String what) throws IOException {
        String cr = header(r.last, "Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(cr);
        if (!m.matches() || Long.parseLong(m.group(1)) != start) {
            throw new SuperscopeException(SuperscopeException.NETWORK, what + ": asked for bytes from " + start
                    + " but the server answered with Content-Range \"" + TerminalText.safe(cr, 80) + "\"");
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

    private static void skipFully(InputStream in, long n) throws IOException {
        // A server that ignores Range sends the whole file from byte 0; what comes before is dropped.
        long left = n;
        byte[] sink = left > 0 ? new byte[BUFFER] : null;
        while (left > 0) {
            int r = in.read(sink, 0, (int) Math.min(sink.length, left));
            if (r < 0) {
                throw new IOException("connection closed while skipping to byte " + n);
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

    /** The wait a {@code Retry-After} header asks for (seconds or an HTTP date), if it holds one. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> value = header(response, "Retry-After").map(String::trim);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.get().matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.get())));
        }
        try {
            Instant at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(Instant.now(), at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException notADate) {
            return Optional.empty();
        }
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
        // Escaped: an exception's message may quote what a server sent.
        return TerminalText.safe(message.replaceAll("\\s+", " "), 300);
    }
}
