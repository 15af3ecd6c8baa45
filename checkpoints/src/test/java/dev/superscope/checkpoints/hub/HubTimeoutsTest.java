package dev.superscope.checkpoints.hub;

import static dev.superscope.checkpoints.hub.FakeHub.GPT2_CONFIG;
import static dev.superscope.checkpoints.hub.FakeHub.GPT2_HEAD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.SuperscopeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub that stops talking: headers and part of a body, then silence; or one byte at a time for ever;
 * or "retry after". Every body read (the revision answer, a small file, a header range, a tensor) is
 * abandoned after the read timeout, every file gives up at its deadline, and Retry-After is honoured up
 * to the policy's limit. The limits are short here (settings, as users set them through
 * SUPERSCOPE_HUB_*); the stalled server waits on a latch released when the hub closes.
 */
class HubTimeoutsTest {
    /** A hang guard, far beyond what any case needs. */
    private static final Duration GUARD = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    @AutoClose
    private final FakeHub hub = new FakeHub();

    @BeforeEach
    void start() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("src/m"));
        Files.writeString(dir.resolve("config.json"), GPT2_CONFIG);
        float[] head = new float[4096 * 64];
        java.util.Arrays.fill(head, 0.5f);
        new SafetensorsWriter().floats(GPT2_HEAD, DType.F32, new long[] {4096, 64}, head).write(dir.resolve("model.safetensors"));
        hub.add("org/m", dir);
    }

    /**
     * Two tries, 1.5 s of silence allowed (short, yet long enough that a loaded machine answering a good
     * request late is not mistaken for silence), a 20 s deadline per file.
     */
    private HubSettings settings(HubSettings.RetryPolicy policy) {
        return hub.settings(tmp, null).withRetry(policy);
    }

    private static HubSettings.RetryPolicy quick() {
        return new HubSettings.RetryPolicy(2, Duration.ofMillis(10), Duration.ofSeconds(5), Duration.ofMillis(1500))
                .withFileDeadline(Duration.ofSeconds(20));
    }

    private Checkpoint open(HubSettings s) {
        return HubCheckpoints.open(HubId.parse("org/m").orElseThrow(), "org/m", s, DownloadListener.NONE);
    }

    private static SuperscopeException network(Executable what) {
        SuperscopeException e = assertTimeoutPreemptively(GUARD, () -> assertThrows(SuperscopeException.class, what));
        assertEquals(SuperscopeException.NETWORK, e.exitCode(), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    private long requestsTo(Predicate<String> path) {
        return hub.requests.stream().filter(q -> path.test(q.path())).count();
    }

    private void stallAfter(long bytes, Predicate<String> path) {
        hub.stallAfterBytes = bytes;
        hub.stallWhen = path;
    }

    /** The network error of opening the checkpoint while the answers to {@code path} stop after {@code bytes}. */
    private SuperscopeException openWhileStalling(long bytes, Predicate<String> path) {
        stallAfter(bytes, path);
        return network(() -> open(settings(quick())).close());
    }

    @Test
    void aRevisionAnswerThatStopsHalfWayIsAbandonedAfterTheReadTimeout() {
        SuperscopeException e = openWhileStalling(10, p -> p.startsWith("/api/"));
        assertTrue(e.getMessage().contains("org/m@main") && e.getMessage().contains("no data for 1.5 s")
                && e.getMessage().contains("gave up after 2 tries"), e.getMessage());
        assertEquals(2, requestsTo(p -> p.startsWith("/api/")));
    }

    @Test
    void aSmallFileThatStopsHalfWayIsAbandonedAfterTheReadTimeout() {
        SuperscopeException e = openWhileStalling(5, p -> p.endsWith("/config.json"));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("no data for 1.5 s"),
                e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("hf/hub/models--org--m/snapshots").resolve(hub.commitOf("org/m"))
                .resolve("config.json")), "nothing half-written is kept");
    }

    @Test
    void aHeaderRangeThatStopsHalfWayIsAbandonedAfterTheReadTimeout() {
        SuperscopeException e = openWhileStalling(4, p -> p.startsWith("/cdn/"));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("no data for 1.5 s"),
                e.getMessage());
        assertEquals(2, requestsTo(p -> p.startsWith("/cdn/")));
    }

    @Test
    void aTensorDownloadThatGoesSilentIsAbandonedAfterTheReadTimeout() {
        try (Checkpoint c = open(settings(quick()))) {
            stallAfter(0, p -> p.startsWith("/cdn/"));
            SuperscopeException e = network(() -> c.tensors().matrix(GPT2_HEAD).rawRows(0, 1));
            assertTrue(e.getMessage().contains("no data for 1.5 s") && e.getMessage().contains("gave up after 2"),
                    e.getMessage());
        }
    }

    /** One byte every 20 ms is never silent for 2 s, and every try makes progress: only the deadline ends it. */
    @Test
    void aServerDrippingBytesIsStoppedByTheFileDeadline() {
        HubSettings.RetryPolicy patient = new HubSettings.RetryPolicy(100, Duration.ofMillis(10), Duration.ofSeconds(5),
                Duration.ofSeconds(2)).withFileDeadline(Duration.ofSeconds(1));
        try (Checkpoint c = open(settings(patient))) {
            hub.dripMillis = 20;
            hub.dripWhen = p -> p.startsWith("/cdn/");
            SuperscopeException e = network(() -> c.tensors().matrix(GPT2_HEAD).rawRows(0, 1));
            // 1 s plus 2 s for the megabyte of the head.
            assertTrue(e.getMessage().contains("not complete after 3 s") && e.getMessage().contains("run again"),
                    e.getMessage());
        }
        hub.dripWhen = p -> p.endsWith("/config.json");
        Path snapshotConfig = tmp.resolve("hf/hub/models--org--m/snapshots").resolve(hub.commitOf("org/m"))
                .resolve("config.json");
        try {
            Files.delete(snapshotConfig);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        SuperscopeException small = network(() -> open(settings(patient)).close());
        assertTrue(small.getMessage().contains("config.json") && small.getMessage().contains("not complete after 1 s"),
                small.getMessage());
    }

    /**
     * A Retry-After of 0 (in seconds, or as a date already past) is waited instead of the back-off, which
     * here is an hour: were it not honoured, the guard would stop the test.
     */
    @Test
    void retryAfterIsHonouredInsteadOfTheBackOff() throws IOException {
        HubSettings.RetryPolicy slowBackOff = new HubSettings.RetryPolicy(3, Duration.ofHours(1), Duration.ofSeconds(5),
                Duration.ofSeconds(5));
        hub.retryAfter = "0";
        hub.failNext.set(1);
        try (Checkpoint c = assertTimeoutPreemptively(GUARD, () -> open(settings(slowBackOff)))) {
            assertEquals(1, c.tensors().tensors().size());
        }
        hub.retryAfter = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(5));
        hub.failNext.set(1);
        Files.delete(tmp.resolve("hf/hub/models--org--m/snapshots").resolve(hub.commitOf("org/m")).resolve("config.json"));
        try (Checkpoint c = assertTimeoutPreemptively(GUARD, () -> open(settings(slowBackOff)))) {
            assertEquals(1, c.tensors().tensors().size());
        }
        assertEquals(2, hub.requests.stream().filter(q -> q.bodyBytes() == "try later".length()).count());
    }

    /** A server that asks for a longer wait than the limit is given up on at once, and the message says so. */
    @Test
    void retryAfterBeyondTheLimitGivesUpAtOnce() {
        hub.retryAfter = "3600";
        hub.failNext.set(100);
        SuperscopeException e = network(() -> open(settings(quick().withMaxRetryAfter(Duration.ofSeconds(5)))).close());
        assertTrue(e.getMessage().contains("HTTP 503") && e.getMessage().contains("retry after 3600 s")
                && e.getMessage().contains("longer than the 5 s"), e.getMessage());
        assertEquals(1, hub.requests.stream().filter(q -> q.bodyBytes() == "try later".length()).count(),
                "no second try");
    }

    @Test
    void timeLimitsComeFromTheEnvironment() {
        HubSettings s = HubSettings.fromEnvironment(java.util.Map.of("HOME", tmp.toString(),
                "SUPERSCOPE_HUB_TIMEOUT", "0.25", "SUPERSCOPE_HUB_DEADLINE", "7", "SUPERSCOPE_HUB_RETRY_DELAY", "0.01"));
        assertEquals(Duration.ofMillis(250), s.retry().readTimeout());
        assertEquals(Duration.ofSeconds(7), s.retry().fileDeadline());
        assertEquals(Duration.ofMillis(10), s.retry().firstDelay());
        assertEquals(Duration.ofSeconds(7 + 2 * 3), s.retry().deadlineFor(3_500_000));
        SuperscopeException bad = assertThrows(SuperscopeException.class, () -> HubSettings.fromEnvironment(
                java.util.Map.of("HOME", tmp.toString(), "SUPERSCOPE_HUB_TIMEOUT", "soon")));
        assertEquals(SuperscopeException.USAGE, bad.exitCode());
        assertTrue(bad.getMessage().contains("SUPERSCOPE_HUB_TIMEOUT"), bad.getMessage());
        assertEquals(Duration.ofSeconds(60), HubSettings.RetryPolicy.DEFAULT.readTimeout());
    }
}
