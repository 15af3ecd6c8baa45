package dev.superscope.analyzers;

import dev.superscope.plugins.AnalysisOptions;
import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
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
 * A GPT-2-small-sized head (50257 x 768, F32, memory-mapped) of random Gaussian rows on every backend:
 * what it must give is known in closed form, E[(u_i . u_j)^2] = 1/m, so msq_overlap * m ~ 1 and
 * m_eff ~ m / (1 + m / n); and every row's interference agrees with msq_overlap. Timings live in bench/.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.superscope.testing.TestBackends#names")
class GaussianHeadTest extends BackendSuite {
    private static final int N = 50257;
    private static final int M = 768;

    @Test
    void gpt2SizedHead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("head.f32");
        writeGaussian(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Matrix matrix = Matrices.mapped("lm_head.weight", DType.F32, N, M, channel, file, 0);
            AnalysisResult result = analyze(new OverlapAnalyzer(), matrix, AnalysisOptions.defaults());
            double msqTimesM = metric(result, "msq_times_m");
            assertEquals(1.0, msqTimesM, 0.01, "random directions overlap 1/m on average");
            // FP = n + n(n-1)/m in expectation, so m_eff = n^2 / FP = m / (1 + (m - 1) / n) ~ 756.
            assertEquals(M / (1.0 + (M - 1.0) / N), metric(result, "m_eff"), 0.01 * M);
            // sum_i I_i = FP - n' exactly, so the mean interference is (n' - 1) msq_overlap.
            assertEquals((N - 1.0) * metric(result, "msq_overlap"), metric(result, "interference_mean"),
                    1e-5 * metric(result, "interference_mean"));
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
