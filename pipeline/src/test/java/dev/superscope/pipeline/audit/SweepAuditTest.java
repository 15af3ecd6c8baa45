package dev.superscope.pipeline.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.hub.DownloadListener;
import dev.superscope.checkpoints.hub.HubSettings;
import dev.superscope.pipeline.ModelResolver;
import dev.superscope.pipeline.ProgressListener;
import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.compute.ComputeSettings;
import dev.superscope.pipeline.demo.DemoCheckpoints;
import dev.superscope.pipeline.demo.DemoFamily;
import dev.superscope.pipeline.models.ModelsFile;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.Plugins;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ModelsCsv;
import dev.superscope.reports.RowSelection;
import dev.superscope.reports.TokensCsv;
import dev.superscope.reports.plot.StepPlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training sweep end to end against a hub on 127.0.0.1 whose repository has a different commit and
 * different weights at each revision: each revision is resolved to its own commit once, each revision's
 * head is fetched once (and never again: a second run reads the tensor cache), and models.csv holds one
 * row per revision with its revision, next to overlap_vs_step.png.
 */
class SweepAuditTest {
    private static final int N = 512;
    private static final int M = 16;
    private static final long HEAD_BYTES = (long) N * M * 4;

    @TempDir
    Path tmp;
    private RevisionHub hub;

    @BeforeEach
    void start() throws IOException {
        hub = new RevisionHub("org/tiny");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private Audit audit() {
        HubSettings settings = HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", hub.endpoint(),
                "HF_HOME", tmp.resolve("hf").toString(), "SUPERSCOPE_CACHE", tmp.resolve("ss").toString(),
                "HOME", tmp.resolve("home").toString()));
        ModelResolver resolver = new ModelResolver(Plugins.discover(getClass().getClassLoader()), settings,
                DownloadListener.NONE);
        AuditSettings norms = new AuditSettings(List.of(MatrixKind.UNEMBEDDING), List.of("norms"), RowSelection.ALL,
                0.5, ComputeSettings.defaults());
        return new Audit(resolver, norms, ProgressListener.silent());
    }

    @Test
    void eachRevisionIsResolvedAndItsHeadFetchedOnce() throws IOException {
        String[] revisions = {"step1000", "step2000"};
        String[] commits = new String[2];
        for (int k = 0; k < 2; k++) {
            Path dir = tmp.resolve("src").resolve(revisions[k]);
            DemoCheckpoints.write(dir, DemoFamily.STRONG, N, M, 100 + k); // other weights at each step
            commits[k] = hub.publish(revisions[k], dir);
        }
        assertNotEquals(commits[0], commits[1]);
        Path yaml = Files.writeString(tmp.resolve("models.yaml"),
                "models:\n  - {name: tiny, family: toy, id: org/tiny, revisions: ['step1000..step2000:1000']}\n");
        List<Target> targets = ModelsFile.read(yaml).targets();
        assertEquals(List.of("tiny@step1000", "tiny@step2000"), targets.stream().map(Target::name).toList());

        Path out = tmp.resolve("out");
        AuditOutcome outcome = audit().run(targets, out, false, true);
        assertEquals(0, outcome.exitCode(), String.valueOf(outcome.failures()));

        for (int k = 0; k < 2; k++) {
            assertEquals(1, hub.requestsEndingWith("/revision/" + revisions[k]).size(), "one resolution of "
                    + revisions[k]);
            List<RevisionHub.Request> weights = hub.requestsEndingWith("/" + commits[k] + "/model.safetensors");
            long headFetches = weights.stream().filter(r -> r.bodyBytes() == HEAD_BYTES).count();
            assertEquals(1, headFetches, revisions[k] + "'s head, once: " + weights);
            assertTrue(Files.isRegularFile(tmp.resolve("hf/hub/models--org--tiny/refs/" + revisions[k])));
        }
        List<ModelResult> rows = ModelsCsv.read(out.resolve("models.csv"));
        assertEquals(List.of("step1000", "step2000"), rows.stream().map(ModelResult::revision).toList());
        assertEquals(List.of("org/tiny@step1000", "org/tiny@step2000"), rows.stream().map(ModelResult::source).toList());
        assertNotEquals(rows.get(0).metric("norm_mean"), rows.get(1).metric("norm_mean"), "each revision's own head");
        assertTrue(Files.size(out.resolve(StepPlot.FILE_NAME)) > 0);
        assertTrue(Files.isRegularFile(TokensCsv.fileFor(out, "tiny@step2000")));

        // Measured again: the revisions are resolved again (a branch may move), the heads come from the cache.
        long headBytesBefore = hub.requestsEndingWith("/model.safetensors").stream()
                .mapToLong(RevisionHub.Request::bodyBytes).sum();
        assertEquals(0, audit().run(targets, tmp.resolve("again"), true, true).exitCode());
        long headBytesAfter = hub.requestsEndingWith("/model.safetensors").stream()
                .mapToLong(RevisionHub.Request::bodyBytes).sum();
        assertEquals(headBytesBefore, headBytesAfter, "no weights fetched a second time");
    }
}
