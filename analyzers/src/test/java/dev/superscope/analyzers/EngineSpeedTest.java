package dev.superscope.analyzers;

import ai.djl.ndarray.NDManager;
import dev.superscope.analyzers.engine.Block;
import dev.superscope.analyzers.engine.BlockReader;
import dev.superscope.analyzers.engine.SymmetricGram;
import dev.superscope.analyzers.engine.TorchEngine;
import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

import static dev.superscope.analyzers.Near.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A GPT-2-small-sized head (50257 x 768, F32, memory-mapped): prints how long the Gram pass and the
 * whole overlap analysis take, so a reader can see the engine runs at BLAS speed (timings are printed,
 * not asserted; benchmarks live in bench/). What it asserts is what random Gaussian rows must give:
 * E[(u_i . u_j)^2] = 1/m, so msq_overlap * m ~ 1 and m_eff ~ m / (1 + m / n).
 */
class EngineSpeedTest {
    private static final int N = 50257;
    private static final int M = 768;

    @Test
    void gpt2SizedHead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("head.f32");
        writeGaussian(file);
        TorchEngine engine = TorchEngine.get();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Matrix matrix = Matrices.mapped("lm_head.weight", DType.F32, N, M, channel, file, 0);
            double gemmFlops = 2.0 * N * M * M;

            long t0 = System.nanoTime();
            BlockReader reader = new BlockReader(matrix, 4096);
            double fp;
            try (NDManager root = engine.newManager(); SymmetricGram gram = new SymmetricGram(root, M)) {
                for (int b = 0; b < reader.blockCount(); b++) {
                    try (NDManager blockManager = root.newSubManager()) {
                        Block block = reader.read(b, blockManager);
                        gram.add(block.unitRows(blockManager));
                    }
                }
                fp = gram.frobeniusSquared();
            }
            double gramSeconds = (System.nanoTime() - t0) / 1e9;

            long t1 = System.nanoTime();
            AnalysisResult result = new OverlapAnalyzer().analyze(matrix, AnalysisOptions.defaults());
            double overlapSeconds = (System.nanoTime() - t1) / 1e9;

            System.out.printf("%s: %d x %d F32 (mapped)%n  Gram pass (read, norms, normalise, U^T U): %.2f s, "
                            + "%.0f GFLOP/s counted as a full GEMM%n  overlap analyzer (G, centred G, U G; upper panels only): "
                            + "%.2f s, %.0f GFLOP/s%n", engine.describe(), N, M, gramSeconds,
                    gemmFlops / gramSeconds / 1e9, overlapSeconds, 3 * gemmFlops / overlapSeconds / 1e9);

            double msqTimesM = metric(result, "msq_times_m");
            assertEquals(1.0, msqTimesM, 0.01, "random directions overlap 1/m on average");
            // FP = n + n(n-1)/m in expectation, so m_eff = n^2 / FP = m / (1 + (m - 1) / n) ~ 756.
            assertEquals(M / (1.0 + (M - 1.0) / N), metric(result, "m_eff"), 0.01 * M);
            assertEquals((fp - N) / ((double) N * (N - 1)), metric(result, "msq_overlap"), 1e-6 * msqTimesM / M);
        }
    }

    private static void writeGaussian(Path file) throws IOException {
        SplittableRandom random = new SplittableRandom(2024);
        ByteBuffer rows = ByteBuffer.allocateDirect(1024 * M * 4).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int done = 0; done < N; done += 1024) {
                int count = Math.min(1024, N - done);
                rows.clear();
                for (int k = 0; k < count * M; k++) {
                    rows.putFloat((float) (0.02 * TestMatrices.gaussian(random)));
                }
                rows.flip();
                while (rows.hasRemaining()) {
                    out.write(rows);
                }
            }
        }
    }
}
