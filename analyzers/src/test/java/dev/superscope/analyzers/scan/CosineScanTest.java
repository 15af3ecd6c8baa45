package dev.superscope.analyzers.scan;

import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import dev.superscope.testing.TestBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The scan keeps normalised blocks when the matrix fits its cache and streams them otherwise; both ways
 * must give the same result to the last bit (the analyzers' tests check the result against brute force).
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.superscope.testing.TestBackends#names")
class CosineScanTest {
    @Parameter
    String backendName;

    @Test
    void streamingAndCachedBlocksGiveTheSameResult() {
        int n = 700;
        int m = 24;
        SplittableRandom random = new SplittableRandom(5);
        ByteBuffer data = ByteBuffer.allocateDirect(n * m * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                float v = i == 17 ? 0f : i == 300 && j == 3 ? Float.NaN : (float) (random.nextDouble() - 0.4);
                data.putFloat((i * m + j) * 4, v);
            }
        }
        // Rows 639 and 640 (blocks 9 and 10 of 64 rows) equal: an exact tie across blocks for the decode error.
        for (int j = 0; j < m; j++) {
            data.putFloat((640 * m + j) * 4, data.getFloat((639 * m + j) * 4));
        }
        Matrix matrix = Matrices.ofBuffer("w", DType.F32, n, m, data);
        RowScan rows = RowScan.of(matrix, 64);
        var pairs = CosineScan.allPairs(matrix, 64);
        CosineScan.Result cached = CosineScan.result(rows, CosineScan.scan(matrix, rows, 64, 50, 0.99, 0,
                TestBackends.open(backendName), pairs, Long.MAX_VALUE));
        CosineScan.Result streamed = CosineScan.result(rows, CosineScan.scan(matrix, rows, 64, 50, 0.99, 0,
                TestBackends.open(backendName), pairs, 0));
        assertEquals(698, cached.validRows());
        assertEquals(1, cached.zeroRows());
        assertEquals(1, cached.nonFiniteRows());
        assertEquals(cached.validRows(), streamed.validRows());
        assertEquals(cached.sumAbsCosine(), streamed.sumAbsCosine());
        assertEquals(cached.maxAbsCosine(), streamed.maxAbsCosine());
        assertArrayEquals(cached.histogram(), streamed.histogram());
        assertEquals(cached.decodeErrors(), streamed.decodeErrors());
        assertArrayEquals(cached.decodeError(), streamed.decodeError());
        assertEquals(0.0, cached.decodeError()[639], "a row tied exactly with its copy is not an error");
        assertEquals(0.0, cached.decodeError()[640], "nor is the copy");
    }
}
