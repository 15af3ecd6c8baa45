package dev.superscope.checkpoints.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceCacheTest {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final String OTHER = "fedcba9876543210fedcba9876543210fedcba98";

    @TempDir
    Path root;

    @Test
    void rootFollowsTheHuggingFaceHubVariables() {
        assertEquals(Path.of("/h/hub"), HuggingFaceCache.fromEnvironment(Map.of("HF_HUB_CACHE", "/h/hub",
                "HF_HOME", "/x", "HOME", "/home/u")).root());
        assertEquals(Path.of("/legacy"), HuggingFaceCache.fromEnvironment(Map.of("HUGGINGFACE_HUB_CACHE", "/legacy",
                "HF_HOME", "/x")).root());
        assertEquals(Path.of("/x/hub"), HuggingFaceCache.fromEnvironment(Map.of("HF_HOME", "/x",
                "XDG_CACHE_HOME", "/xdg")).root());
        assertEquals(Path.of("/xdg/huggingface/hub"), HuggingFaceCache.fromEnvironment(Map.of("XDG_CACHE_HOME", "/xdg",
                "HOME", "/home/u")).root());
        assertEquals(Path.of("/home/u/.cache/huggingface/hub"),
                HuggingFaceCache.fromEnvironment(Map.of("HOME", "/home/u")).root());
        assertEquals(Path.of("/home/u/hf/hub"),
                HuggingFaceCache.fromEnvironment(Map.of("HOME", "/home/u", "HF_HOME", "~/hf")).root());
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"),
                HuggingFaceCache.fromEnvironment(Map.of("HF_HUB_CACHE", "")).root(), "empty means unset");
    }

    /** A cache with one repo: refs main -> COMMIT, tag v1 -> OTHER; snapshot files link into blobs/. */
    static Path buildCache(Path root) throws IOException {
        Path repo = Files.createDirectories(root.resolve("models--org--tiny"));
        // huggingface_hub stores revision R at refs/R, so the PR ref "refs/pr/1" lives at refs/refs/pr/1.
        Files.createDirectories(repo.resolve("refs/refs/pr"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);
        Files.writeString(repo.resolve("refs/v1"), OTHER + "\n");
        Files.writeString(repo.resolve("refs/refs/pr/1"), COMMIT);
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Files.writeString(blobs.resolve("aaaa"), "{\"model_type\": \"gpt2\"}");
        for (String commit : new String[] {COMMIT, OTHER}) {
            Path snap = Files.createDirectories(repo.resolve("snapshots").resolve(commit));
            Files.createSymbolicLink(snap.resolve("config.json"), Path.of("..", "..", "blobs", "aaaa"));
        }
        return repo;
    }

    @Test
    void refsNameSnapshots() throws IOException {
        Path repo = buildCache(root);
        HuggingFaceCache cache = new HuggingFaceCache(root);
        assertEquals(repo.resolve("snapshots").resolve(COMMIT), cache.snapshot(HubId.parse("org/tiny").orElseThrow()));
        assertEquals(repo.resolve("snapshots").resolve(OTHER), cache.snapshot(HubId.parse("org/tiny@v1").orElseThrow()));
        assertEquals(repo.resolve("snapshots").resolve(COMMIT),
                cache.snapshot(HubId.parse("org/tiny@refs/pr/1").orElseThrow()));
        assertEquals(repo.resolve("snapshots").resolve(OTHER),
                cache.snapshot(HubId.parse("org/tiny@" + OTHER).orElseThrow()), "a commit is a snapshot name");
        assertTrue(Files.readString(cache.snapshot(HubId.parse("org/tiny").orElseThrow()).resolve("config.json"))
                .contains("gpt2"));
    }

    @Test
    void missesSayWhereTheyLookedAndThatNothingIsDownloaded() throws IOException {
        Path repo = buildCache(root);
        HuggingFaceCache cache = new HuggingFaceCache(root);
        BadInputException noRepo = assertThrows(BadInputException.class,
                () -> cache.snapshot(HubId.parse("org/absent").orElseThrow()));
        assertEquals(root.resolve("models--org--absent"), noRepo.file());
        assertTrue(noRepo.reason().contains("does not download") && noRepo.reason().contains("org/absent"),
                noRepo.getMessage());
        BadInputException noRef = assertThrows(BadInputException.class,
                () -> cache.snapshot(HubId.parse("org/tiny@dev").orElseThrow()));
        assertEquals(repo.resolve("refs/dev"), noRef.file());
        assertTrue(noRef.reason().contains("does not download") && noRef.reason().contains("--revision dev"),
                noRef.getMessage());
        String missingCommit = "1111111111111111111111111111111111111111";
        BadInputException noSnapshot = assertThrows(BadInputException.class,
                () -> cache.snapshot(HubId.parse("org/tiny@" + missingCommit).orElseThrow()));
        assertEquals(repo.resolve("snapshots").resolve(missingCommit), noSnapshot.file());
        Files.writeString(repo.resolve("refs/main"), "not a hash");
        BadInputException badRef = assertThrows(BadInputException.class,
                () -> cache.snapshot(HubId.parse("org/tiny").orElseThrow()));
        assertEquals(repo.resolve("refs/main"), badRef.file());
        assertTrue(badRef.reason().contains("40-hex"), badRef.getMessage());
    }
}
