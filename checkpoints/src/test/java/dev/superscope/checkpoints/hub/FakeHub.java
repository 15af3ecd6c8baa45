package dev.superscope.checkpoints.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face-shaped hub on 127.0.0.1 for tests: {@code /api/models/{repo}/revision/{rev}} and
 * {@code /{repo}/resolve/{commit}/{file}}; large files are redirected to a second server (the "CDN", on
 * another port) the way the hub redirects LFS files. Range requests get 206 with Content-Range. Every
 * request is logged with its Range and Authorization header, and body bytes are counted.
 */
final class FakeHub implements AutoCloseable {
    /** config.json of the GPT-2 most hub tests serve: a 4096 x 64 token embedding, tied as the head. */
    static final String GPT2_CONFIG = "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"],"
            + " \"n_embd\": 64, \"vocab_size\": 4096}";
    /** The name of a GPT-2's token embedding, which is also its head. */
    static final String GPT2_HEAD = "transformer.wte.weight";

    /**
     * One request as the server saw it. It is recorded before its response starts, and its body bytes are
     * counted ({@code sent}) before each write, so a client that has received a response (or a byte) never
     * finishes before the server has counted it: tests can read the counts as soon as the client returns.
     */
    record Request(String server, String path, String range, String authorization, AtomicLong sent) {
        Request(String server, String path, String range, String authorization) {
            this(server, path, range, authorization, new AtomicLong());
        }

        /** The body bytes sent so far. */
        long bodyBytes() {
            return sent.get();
        }

        @Override
        public String toString() {
            return server + " " + path + (range == null ? "" : " " + range) + " " + sent.get() + " bytes";
        }
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    /** Files at least this large are served from the CDN, like LFS files. */
    static final long LFS_THRESHOLD = 4096;

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final AtomicLong bytesServed = new AtomicLong();
    /** The next this-many resolve/CDN requests answer with {@link #failStatus}. */
    final AtomicInteger failNext = new AtomicInteger();
    volatile int failStatus = 503;
    /** When positive, the next ranged body is cut off (connection closed) after this many bytes. */
    final AtomicLong dropAfter = new AtomicLong(-1);
    /** When true, Range headers are ignored and whole files are sent with 200. */
    volatile boolean ignoreRange;
    /** When positive, every body of at least 64 KiB starts this many milliseconds late (a slow link). */
    volatile long slowBodiesMillis;
    /** Whole small files are sent gzip-compressed, with Content-Encoding: gzip, asked for or not. */
    volatile boolean gzipSmallFiles;
    /** When set, every file's ETag (X-Linked-Etag for large ones) is this, whatever its content. */
    volatile String etagOverride;
    /** When set, large files announce this X-Linked-Size. */
    volatile String linkedSizeOverride;
    private final Map<String, String> hashes = new ConcurrentHashMap<>();
    /** When set, large files are redirected here instead of to the CDN. */
    volatile String lfsLocation;
    /** Sent as {@code Retry-After} with the {@link #failNext} answers, when set. */
    volatile String retryAfter;
    /**
     * Bodies of requests whose path this matches send {@link #stallAfterBytes} bytes, then nothing until
     * the hub is closed (a server that went silent after its headers).
     */
    volatile Predicate<String> stallWhen = path -> false;
    volatile long stallAfterBytes;
    /** Bodies of requests whose path this matches are sent one byte every {@link #dripMillis}, for ever. */
    volatile Predicate<String> dripWhen = path -> false;
    volatile long dripMillis = 50;
    /** Released when the hub closes, so stalled answers end. */
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-hub");
        t.setDaemon(true);
        return t;
    });

    static final class Repo {
        final String commit;
        final Map<String, String> refs = new ConcurrentHashMap<>();
        final Map<String, Path> files = new ConcurrentHashMap<>();
        String token; // non-null: gated, this token required

        Repo(String commit) {
            this.commit = commit;
            refs.put("main", commit);
        }
    }

    /**
     * Starts the hub and its CDN on loopback ports; a test holds one in an {@code @AutoClose} field, so
     * each test has its own, stopped after it.
     */
    FakeHub() {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try {
            hub = HttpServer.create(any, 0);
            cdn = HttpServer.create(any, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake hub: " + e.getMessage(), e);
        }
        hub.createContext("/", this::hub);
        cdn.createContext("/", this::cdn);
        // A stalled answer must not stop the others: one thread per exchange.
        hub.setExecutor(handlers);
        cdn.setExecutor(handlers);
        hub.start();
        cdn.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    /**
     * Settings that talk to this hub, with every cache and home folder under {@code tmp} and a retry
     * policy quick enough for tests; {@code token} (may be null) is sent as HF_TOKEN.
     */
    HubSettings settings(Path tmp, String token) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("HF_ENDPOINT", endpoint(),
                "HF_HOME", tmp.resolve("hf").toString(), "SUPERSCOPE_CACHE", tmp.resolve("ss").toString(),
                "HOME", tmp.resolve("home").toString()));
        if (token != null) {
            env.put("HF_TOKEN", token);
        }
        return HubSettings.fromEnvironment(env).withRetry(new HubSettings.RetryPolicy(4, Duration.ofMillis(10),
                Duration.ofSeconds(5), Duration.ofSeconds(2)));
    }

    /** Adds {@code repo} with the files of {@code dir} (top level and one level of sub-folders). */
    Repo add(String repo, Path dir) throws IOException {
        String commit = sha1(repo + dir);
        Repo r = new Repo(commit);
        try (var walk = Files.walk(dir, 2)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                r.files.put(dir.relativize(p).toString().replace('\\', '/'), p);
            }
        }
        repos.put(repo, r);
        return r;
    }

    /** The commit {@code repo}'s main branch names. */
    String commitOf(String repo) {
        return repos.get(repo).commit;
    }

    long bytesFor(String fileSuffix) {
        return requests.stream().filter(q -> q.path().endsWith(fileSuffix)).mapToLong(Request::bodyBytes).sum();
    }

    /**
     * The repository {@code name} when it exists and {@code auth} may read it; otherwise answers 404 or 401
     * as the hub does (in JSON from the API, in plain text to a download) and returns null.
     */
    private Repo readableRepo(HttpExchange ex, String name, String auth, boolean json) throws IOException {
        Repo repo = repos.get(name);
        if (repo == null) {
            String error = "Repository not found";
            send(ex, 404, "RepoNotFound", json ? "{\"error\":\"" + error + "\"}" : error, auth, "hub");
            return null;
        }
        if (!authorized(repo, auth)) {
            String error = "Access to model is restricted";
            send(ex, 401, null, json ? "{\"error\":\"" + error + "\"}" : error, auth, "hub");
            return null;
        }
        return repo;
    }

    private void hub(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        try {
            if (path.startsWith("/api/models/")) {
                String rest = path.substring("/api/models/".length());
                int at = rest.indexOf("/revision/");
                String repoName = rest.substring(0, at);
                String rev = java.net.URLDecoder.decode(rest.substring(at + "/revision/".length()), StandardCharsets.UTF_8);
                Repo repo = readableRepo(ex, repoName, auth, true);
                if (repo == null) {
                    return;
                }
                String commit = repo.refs.getOrDefault(rev, rev.equals(repo.commit) ? repo.commit : null);
                if (commit == null) {
                    send(ex, 404, "RevisionNotFound", "{\"error\":\"Invalid rev id: " + rev + "\"}", auth, "hub");
                    return;
                }
                StringBuilder json = new StringBuilder("{\"id\":\"" + repoName + "\",\"sha\":\"" + commit
                        + "\",\"siblings\":[");
                List<String> names = new ArrayList<>(repo.files.keySet());
                java.util.Collections.sort(names);
                for (int i = 0; i < names.size(); i++) {
                    json.append(i == 0 ? "" : ",").append("{\"rfilename\":\"").append(names.get(i)).append("\"}");
                }
                send(ex, 200, null, json.append("]}").toString(), auth, "hub");
                return;
            }
            // /{org}/{name}/resolve/{commit}/{file}
            String[] parts = path.substring(1).split("/", 5);
            if (parts.length < 5 || !parts[2].equals("resolve")) {
                send(ex, 404, null, "no such route", auth, "hub");
                return;
            }
            String repoName = parts[0] + "/" + parts[1];
            Repo repo = readableRepo(ex, repoName, auth, false);
            if (repo == null) {
                return;
            }
            String file = java.net.URLDecoder.decode(parts[4], StandardCharsets.UTF_8);
            Path local = parts[3].equals(repo.commit) ? repo.files.get(file) : null;
            if (local == null) {
                send(ex, 404, "EntryNotFound", "Entry not found", auth, "hub");
                return;
            }
            if (failNext.get() > 0 && failNext.getAndDecrement() > 0) {
                send(ex, failStatus, null, "try later", auth, "hub");
                return;
            }
            long size = Files.size(local);
            ex.getResponseHeaders().add("X-Repo-Commit", repo.commit);
            String forced = etagOverride;
            if (size >= LFS_THRESHOLD) {
                // As the hub names LFS files: the SHA-256 of the content, and the size.
                String linkedSize = linkedSizeOverride;
                ex.getResponseHeaders().add("X-Linked-Etag", "\"" + (forced != null ? forced : hash(local, true)) + "\"");
                ex.getResponseHeaders().add("X-Linked-Size", linkedSize != null ? linkedSize : Long.toString(size));
                String elsewhere = lfsLocation;
                ex.getResponseHeaders().add("Location", elsewhere != null ? elsewhere : "http://127.0.0.1:"
                        + cdn.getAddress().getPort() + "/cdn/" + repoName + "/" + repo.commit + "/" + parts[4] + "?sig=x");
                send(ex, 302, null, "", auth, "hub");
                return;
            }
            // As the hub names regular files: their git blob id.
            ex.getResponseHeaders().add("ETag", "\"" + (forced != null ? forced : hash(local, false)) + "\"");
            if (gzipSmallFiles) {
                ex.getResponseHeaders().add("Content-Encoding", "gzip");
                send(ex, 200, null, gzip(Files.readAllBytes(local)), auth, "hub");
                return;
            }
            serveFile(ex, local, auth, "hub");
        } catch (RuntimeException e) {
            send(ex, 500, null, e.toString(), auth, "hub");
        }
    }

    private void cdn(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String[] parts = ex.getRequestURI().getRawPath().substring("/cdn/".length()).split("/", 4);
        Repo repo = repos.get(parts[0] + "/" + parts[1]);
        Path local = repo == null ? null
                : repo.files.get(java.net.URLDecoder.decode(parts[3], StandardCharsets.UTF_8));
        if (local == null) {
            send(ex, 404, null, "no such object", auth, "cdn");
            return;
        }
        if (failNext.get() > 0 && failNext.getAndDecrement() > 0) {
            send(ex, failStatus, null, "try later", auth, "cdn");
            return;
        }
        serveFile(ex, local, auth, "cdn");
    }

    private static boolean authorized(Repo repo, String auth) {
        return repo.token == null || ("Bearer " + repo.token).equals(auth);
    }

    private void serveFile(HttpExchange ex, Path file, String auth, String server) throws IOException {
        long size = Files.size(file);
        String range = ex.getRequestHeaders().getFirst("Range");
        long from = 0;
        long to = size - 1;
        int status = 200;
        if (range != null && !ignoreRange) {
            Matcher m = RANGE.matcher(range);
            if (!m.matches()) {
                send(ex, 416, null, "bad range", auth, server);
                return;
            }
            from = Long.parseLong(m.group(1));
            to = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
            if (from >= size) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + size);
                send(ex, 416, null, "", auth, server);
                return;
            }
            status = 206;
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        ex.getResponseHeaders().add("Accept-Ranges", "bytes");
        long length = to - from + 1;
        long cut = range != null && status == 206 ? dropAfter.getAndSet(-1) : -1;
        if (cut >= 0) {
            ex.getResponseHeaders().add("Connection", "close"); // so the short body ends in a closed socket
        }
        if (slowBodiesMillis > 0 && length >= 64 * 1024) {
            try {
                Thread.sleep(slowBodiesMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Request request = record(ex, auth, server);
        ex.sendResponseHeaders(status, length);
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r"); OutputStream out = ex.getResponseBody()) {
            in.seek(from);
            byte[] buffer = new byte[1 << 16];
            long limit = cut >= 0 ? Math.min(cut, length) : length;
            long sent = 0;
            while (sent < limit) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - sent));
                write(out, request, buffer, n);
                sent += n;
            }
            if (cut >= 0) {
                out.flush();
                throw new IOException("dropping the connection on purpose");
            }
        } catch (IOException e) {
            // Dropped on purpose, or the client closed early (it had what it needed): all was counted.
            ex.close();
        }
    }

    /** Records a request before its response headers go out. */
    private Request record(HttpExchange ex, String auth, String server) {
        Request r = new Request(server, ex.getRequestURI().getRawPath(), ex.getRequestHeaders().getFirst("Range"), auth);
        requests.add(r);
        return r;
    }

    /** Counts body bytes before they are written, so the client cannot hold a byte not yet counted. */
    private void count(Request request, long bytes) {
        request.sent().addAndGet(bytes);
        bytesServed.addAndGet(bytes);
    }

    private void send(HttpExchange ex, int status, String errorCode, String body, String auth, String server)
            throws IOException {
        send(ex, status, errorCode, body.getBytes(StandardCharsets.UTF_8), auth, server);
    }

    private void send(HttpExchange ex, int status, String errorCode, byte[] bytes, String auth, String server)
            throws IOException {
        if (errorCode != null) {
            ex.getResponseHeaders().add("X-Error-Code", errorCode);
        }
        if (status >= 500 || status == 429) {
            String wait = retryAfter;
            if (wait != null) {
                ex.getResponseHeaders().add("Retry-After", wait);
            }
        }
        Request request = record(ex, auth, server);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            write(out, request, bytes, bytes.length);
        } catch (IOException stalledOrClosed) {
            ex.close();
        }
    }

    /**
     * Writes {@code n} bytes of a body, counting them first, and misbehaving as {@link #stallWhen} and
     * {@link #dripWhen} say for this request's path.
     */
    private void write(OutputStream out, Request request, byte[] bytes, int n) throws IOException {
        if (stallWhen.test(request.path()) && request.bodyBytes() + n > stallAfterBytes) {
            int before = (int) Math.max(0, stallAfterBytes - request.bodyBytes());
            count(request, before);
            out.write(bytes, 0, before);
            out.flush();
            try {
                closing.await(); // silent until the test is over
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("stalled on purpose");
        }
        if (dripWhen.test(request.path())) {
            for (int i = 0; i < n; i++) {
                count(request, 1);
                out.write(bytes, i, 1);
                out.flush();
                try {
                    if (closing.await(dripMillis, TimeUnit.MILLISECONDS)) {
                        throw new IOException("hub closed");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            return;
        }
        count(request, n);
        out.write(bytes, 0, n);
    }

    /** The hub's name for a file's content: SHA-256 (LFS) or git blob id; computed once per file version. */
    private String hash(Path file, boolean sha256) throws IOException {
        String key = file + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file) + "|" + sha256;
        String known = hashes.get(key);
        if (known != null) {
            return known;
        }
        byte[] content = Files.readAllBytes(file);
        String h;
        try {
            MessageDigest d = MessageDigest.getInstance(sha256 ? "SHA-256" : "SHA-1");
            if (!sha256) {
                d.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
            }
            h = HexFormat.of().formatHex(d.digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        hashes.put(key, h);
        return h;
    }

    private static byte[] gzip(byte[] content) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(content);
        }
        return out.toByteArray();
    }

    static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        hub.stop(0);
        cdn.stop(0);
        handlers.shutdownNow();
    }
}
