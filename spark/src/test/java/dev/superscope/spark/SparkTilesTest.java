package dev.superscope.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.analyzers.scan.CosineScan;
import dev.superscope.analyzers.scan.RowScan;
import dev.superscope.checkpoints.hub.DownloadListener;
import dev.superscope.checkpoints.hub.HubSettings;
import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.pipeline.ModelResolver;
import dev.superscope.pipeline.ProgressListener;
import dev.superscope.pipeline.Target;
import dev.superscope.pipeline.audit.AuditSettings;
import dev.superscope.pipeline.cluster.ClusterJob;
import dev.superscope.pipeline.compute.ComputeSettings;
import dev.superscope.plugins.AnalysisContext;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.Device;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ModelsCsv;
import dev.superscope.reports.RowSelection;
import dev.superscope.reports.TokensCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pairwise scan split into tiles computed by tasks on local executors and merged equals the
 * single-process scan, on a 5000 x 16 head whose exact copies sit in different tiles (ties across tasks):
 * the sum and max of |cos|, the histogram, the decode errors, and each row's decode winner and nearest row;
 * and {@code analyze --master} writes the models.csv row and token table a local {@code analyze} writes.
 */
class SparkTilesTest {
    private static final int N = 5000; // three 2048-row tiles: six tile pairs
    private static final int M = 16;

    @TempDir
    Path tmp;

    @AfterEach
    void clearProperties() {
        System.clearProperty(TiledScan.TASKS_KEY);
        System.clearProperty("superscope.threads");
    }

    /** Gaussian rows; 10 = 2100 = 4500 exactly (one per tile); 3000 a short copy of 20; 4000 near 50; 7 zero. */
    private Path checkpoint() throws IOException {
        Random random = new Random(3);
        float[][] w = new float[N][M];
        for (float[] row : w) {
            for (int j = 0; j < M; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        w[2100] = w[10].clone();
        w[4500] = w[10].clone();
        for (int j = 0; j < M; j++) {
            w[3000][j] = 0.5f * w[20][j];
            w[4000][j] = w[50][j] + 0.01f * (float) random.nextGaussian();
        }
        w[7] = new float[M];
        float[] flat = new float[N * M];
        for (int i = 0; i < N; i++) {
            System.arraycopy(w[i], 0, flat, i * M, M);
        }
        Path dir = Files.createDirectories(tmp.resolve("head"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"],"
                + " \"n_embd\": " + M + ", \"n_layer\": 0, \"n_head\": 1, \"vocab_size\": " + N + "}");
        new SafetensorsWriter().floats("transformer.wte.weight", DType.F32, new long[] {N, M}, flat)
                .write(dir.resolve("model.safetensors"));
        return dir;
    }

    @Test
    void tilesOnExecutorsMergeIntoTheSingleProcessScan() throws IOException {
        Path dir = checkpoint();
        Plugins plugins = Plugins.discover(getClass().getClassLoader());
        ModelResolver resolver = new ModelResolver(plugins, HubSettings.fromProcess().offlineCopy(), DownloadListener.NONE);
        ComputeSettings oneThread = new ComputeSettings("auto", Device.CPU, ComputePrecision.FLOAT32, 1);
        AuditSettings settings = new AuditSettings(List.of(MatrixKind.UNEMBEDDING), List.of("pairwise", "decode-error"),
                RowSelection.ALL, 0.5, oneThread);
        // Keeping the 40 most similar pairs, as collisions asks: the tasks must keep them too.
        AnalysisOptions options = settings.analysisOptions().withTopPairs(40);
        Target target = Target.of("head", "toy", dir.toString(), null);
        LoadedModel model = resolver.load(dir.toString(), null);
        try (Backend backend = plugins.backend("torch").open(oneThread.backendSettings());
             JavaSparkContext sc = new JavaSparkContext(new SparkConf(true).setMaster("local[2]").setAppName("tiles")
                     .set(TiledScan.TASKS_KEY, "4"))) {
            Matrix matrix = RowSelection.ALL.apply(model, MatrixKind.UNEMBEDDING);
            RowScan rows = RowScan.of(matrix, options.blockRows());
            CosineScan.Result whole = CosineScan.run(matrix, rows, options.blockRows(), options.histogramBins(),
                    options.collapseThreshold(), options.topPairs(), backend);

            AnalysisContext context = new AnalysisContext(options, () -> {
                throw new AssertionError("the driver computes nothing of the scan");
            });
            ClusterJob job = new ClusterJob("local[2]", settings, resolver, null, true, false, ProgressListener.silent());
            new TiledScan(sc, job).prepare(target, MatrixKind.UNEMBEDDING, matrix, context);
            CosineScan.Result split = context.shared(CosineScan.sharedKey(options), CosineScan.Result.class, () -> {
                throw new AssertionError("the tiled scan left no result");
            });

            assertEquals(whole.sumAbsCosine(), split.sumAbsCosine(), 1e-12 * whole.sumAbsCosine(), "sum of |cos|");
            assertEquals(whole.maxAbsCosine(), split.maxAbsCosine(), "max |cos|");
            assertEquals(1.0, split.maxAbsCosine(), 1e-6, "exact copies");
            assertArrayEquals(whole.histogram(), split.histogram());
            assertEquals(whole.decodeErrors(), split.decodeErrors());
            assertArrayEquals(whole.decodeWinner(), split.decodeWinner());
            assertArrayEquals(whole.decodeMargin(), split.decodeMargin());
            assertArrayEquals(whole.nearest(), split.nearest());
            assertEquals(whole.collapsedGroups(), split.collapsedGroups());
            assertEquals(40, whole.topPairs().size());
            assertEquals(whole.topPairs(), split.topPairs(), "the most similar pairs, merged across tasks");
            // Ties across tiles go to the lowest id, as in one pass.
            assertEquals(2100, split.nearest()[10]);
            assertEquals(10, split.nearest()[4500]);
            assertEquals(4500, split.decodeWinner()[4500], "a row tied with its copies decodes as itself");
            assertEquals(20, split.decodeWinner()[3000], "a short copy decodes as the longer row");
        } finally {
            model.checkpoint().close();
        }
    }

    @Test
    void analyzeWithMasterWritesWhatALocalAnalyzeWrites() throws IOException {
        Path dir = checkpoint();
        System.setProperty("superscope.threads", "1");
        System.setProperty(TiledScan.TASKS_KEY, "5");
        Path local = tmp.resolve("local");
        Path spark = tmp.resolve("spark");
        String[] common = {"analyze", dir.toString(), "--name", "head", "--analyzers", "norms,pairwise,decode-error"};
        SparkRunTest.Cli l = SparkRunTest.Cli.run(concat(common, "--out", local.toString()));
        assertEquals(0, l.code(), l.err());
        SparkRunTest.Cli s = SparkRunTest.Cli.run(concat(common, "--out", spark.toString(), "--master", "local[2]"));
        assertEquals(0, s.code(), s.err());
        assertTrue(s.err().contains("in 5 task(s) on local[2]"), s.err());
        List<ModelResult> want = ModelsCsv.read(local.resolve(ModelsCsv.FILE_NAME));
        SparkRunTest.assertSameRows(want, ModelsCsv.read(spark.resolve(ModelsCsv.FILE_NAME)));
        assertTrue(want.get(0).metric("decode_error_rate") > 0);
        assertArrayEquals(Files.readAllBytes(TokensCsv.fileFor(local, "head")), Files.readAllBytes(TokensCsv.fileFor(spark, "head")));
    }

    @Test
    void analyzeWithMasterScansTheNamedTensorOnTheExecutorsToo() throws IOException {
        // No config.json and the matrix stored m x n: only --tensor NAME --transpose opens it, on every executor.
        Random random = new Random(4);
        int n = 3000;
        float[] stored = new float[M * n];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = (float) random.nextGaussian();
        }
        Path file = Files.createDirectories(tmp.resolve("bare")).resolve("weights.safetensors");
        new SafetensorsWriter().floats("encoder.proj", DType.F32, new long[] {M, n}, stored).write(file);
        System.setProperty("superscope.threads", "1");
        System.setProperty(TiledScan.TASKS_KEY, "3");
        String[] common = {"analyze", file.toString(), "--name", "bare", "--tensor", "encoder.proj", "--transpose",
            "--analyzers", "pairwise,decode-error"};
        Path local = tmp.resolve("bare-local");
        Path spark = tmp.resolve("bare-spark");
        SparkRunTest.Cli l = SparkRunTest.Cli.run(concat(common, "--out", local.toString()));
        assertEquals(0, l.code(), l.err());
        SparkRunTest.Cli s = SparkRunTest.Cli.run(concat(common, "--out", spark.toString(), "--master", "local[2]"));
        assertEquals(0, s.code(), s.err());
        List<ModelResult> want = ModelsCsv.read(local.resolve(ModelsCsv.FILE_NAME));
        assertEquals(n, want.get(0).n(), "rows of the transposed tensor");
        SparkRunTest.assertSameRows(want, ModelsCsv.read(spark.resolve(ModelsCsv.FILE_NAME)));
        assertArrayEquals(Files.readAllBytes(TokensCsv.fileFor(local, "bare")), Files.readAllBytes(TokensCsv.fileFor(spark, "bare")));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
