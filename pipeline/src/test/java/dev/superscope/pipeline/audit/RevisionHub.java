package dev.superscope.pipeline.audit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Hugging Face-shaped hub on 127.0.0.1 holding one repository at several revisions, each its own commit
 * with its own files: {@code /api/models/{repo}/revision/{rev}} names the revision's commit and files,
 * {@code /{repo}/resolve/{commit}/{file}} serves them, with Range requests. Every request is logged with
 * the bytes of its body.
 */
final class RevisionHub implements AutoCloseable {
    /** One request: its path and the body bytes sent. */
    record Request(String path, long bodyBytes) {
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    private final HttpServer server;
    private final String repo;
    private final Map<String, String> commits = new ConcurrentHashMap<>();
    private final Map<String, Path> snapshots = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    RevisionHub(String repo) throws IOException {
        this.repo = repo;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Publishes the files of {@code dir} as revision {@code revision}; returns its commit. */
    String publish(String revision, Path dir) {
        String commit = String.format("%040x", (long) (revision.hashCode() & 0x7fffffff) * 7919 + 1);
        commits.put(revision, commit);
        snapshots.put(commit, dir);
        return commit;
    }

    /** Requests whose path ends with {@code suffix}. */
    List<Request> requestsEndingWith(String suffix) {
        return requests.stream().filter(r -> r.path().endsWith(suffix)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String api = "/api/models/" + repo + "/revision/";
        if (path.startsWith(api)) {
            String commit = commits.get(path.substring(api.length()));
            if (commit == null) {
                reply(ex, 404, "RevisionNotFound", path);
                return;
            }
            StringBuilder json = new StringBuilder("{\"sha\":\"" + commit + "\",\"siblings\":[");
            try (Stream<Path> files = Files.list(snapshots.get(commit))) {
                json.append(String.join(",", files.map(p -> "{\"rfilename\":\"" + p.getFileName() + "\"}").sorted().toList()));
            }
            reply(ex, 200, null, json.append("]}").toString());
            return;
        }
        String[] parts = path.substring(1).split("/", 5); // org, name, resolve, commit, file
        Path dir = parts.length == 5 && (parts[0] + "/" + parts[1]).equals(repo) ? snapshots.get(parts[3]) : null;
        Path file = dir == null ? null : dir.resolve(parts[4]);
        if (file == null || !Files.isRegularFile(file)) {
            reply(ex, 404, "EntryNotFound", path);
            return;
        }
        long size = Files.size(file);
        long from = 0;
        long to = size - 1;
        int status = 200;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null) {
            Matcher m = RANGE.matcher(range);
            if (!m.matches()) {
                reply(ex, 416, null, range);
                return;
            }
            from = Long.parseLong(m.group(1));
            to = Math.min(size - 1, Long.parseLong(m.group(2)));
            status = 206;
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        ex.getResponseHeaders().add("ETag", "\"" + parts[3].substring(0, 8) + Long.toHexString(size) + "\"");
        ex.getResponseHeaders().add("X-Repo-Commit", parts[3]);
        ex.getResponseHeaders().add("Accept-Ranges", "bytes");
        ex.sendResponseHeaders(status, to - from + 1);
        byte[] bytes = new byte[(int) (to - from + 1)];
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r"); OutputStream out = ex.getResponseBody()) {
            in.seek(from);
            in.readFully(bytes);
            out.write(bytes);
        }
        requests.add(new Request(path, bytes.length));
    }

    private void reply(HttpExchange ex, int status, String errorCode, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (errorCode != null) {
            ex.getResponseHeaders().add("X-Error-Code", errorCode);
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
        requests.add(new Request(ex.getRequestURI().getPath(), bytes.length));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
