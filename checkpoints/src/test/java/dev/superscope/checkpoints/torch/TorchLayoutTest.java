package dev.superscope.checkpoints.torch;

import static dev.superscope.checkpoints.torch.TorchArchiveBuilder.bf16;
import static dev.superscope.checkpoints.torch.TorchArchiveBuilder.f32;
import static dev.superscope.checkpoints.torch.TorchArchiveBuilder.f64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strided tensors (transposed, offset, sliced, permuted) written by hand in torch's layout, read back
 * and compared element by element with a brute-force evaluation of the strides.
 */
class TorchLayoutTest {

    @TempDir
    Path tmp;

    /** Storage element s holds the value s / 4 + 1 (exact in F32, F64, BF16 and F16 for small s). */
    private static float storageValue(long s) {
        return s / 4f + 1;
    }

    private static float[] storageValues(int n) {
        float[] v = new float[n];
        for (int s = 0; s < n; s++) {
            v[s] = storageValue(s);
        }
        return v;
    }

    private TorchZipStore open(String storageClass, byte[] storage, long numel, long offset, long[] shape,
                               long[] stride) {
        byte[] pickle = TorchArchiveBuilder.oneTensorPickle("t", storageClass, numel, offset, shape, stride);
        Path file = new TorchArchiveBuilder("archive").pickle(pickle).storage("0", storage)
                .write(tmp.resolve("t-" + System.nanoTime() + ".pt"));
        return TorchZipStore.load(file);
    }

    /** Every block of every size of {@code m} equals the strided brute force. */
    private static void assertMatrixFollowsStrides(Matrix m, long offset, long rowStride, long colStride) {
        for (int first = 0; first < m.rows(); first++) {
            for (int count = 0; first + count <= m.rows(); count++) {
                float[] got = m.rowsAsFloats(first, count);
                for (int r = 0; r < count; r++) {
                    for (int c = 0; c < m.cols(); c++) {
                        float want = storageValue(offset + (first + r) * rowStride + c * colStride);
                        assertEquals(want, got[r * m.cols() + c], "block " + first + "+" + count + " at " + r + "," + c);
                    }
                }
            }
        }
    }

    @Test
    void rowMajorMatrixIsMappedInPlace() {
        try (TorchZipStore store = open("FloatStorage", f32(storageValues(35)), 35, 0, new long[] {5, 7},
                new long[] {7, 1})) {
            Matrix m = store.matrix("t");
            assertTrue(m.rawRows(1, 2).isDirect(), "contiguous: a mapped view");
            assertFalse(m instanceof StridedMatrix);
            assertMatrixFollowsStrides(m, 0, 7, 1);
        }
    }

    @Test
    void storageOffsetShiftsAMappedMatrix() {
        try (TorchZipStore store = open("FloatStorage", f32(storageValues(40)), 40, 5, new long[] {5, 7},
                new long[] {7, 1})) {
            assertMatrixFollowsStrides(store.matrix("t"), 5, 7, 1);
        }
    }

    @Test
    void transposedMatrixIsGatheredBlockByBlock() {
        // A 7 x 5 tensor's .t(): shape [5, 7], strides [1, 5].
        try (TorchZipStore store = open("FloatStorage", f32(storageValues(35)), 35, 0, new long[] {5, 7},
                new long[] {1, 5})) {
            Matrix m = store.matrix("t");
            assertInstanceOf(StridedMatrix.class, m);
            assertFalse(m.rawRows(0, 5).isDirect(), "a gathered copy of the block");
            assertEquals(5 * 7 * 4, m.rawRows(0, 5).remaining());
            assertMatrixFollowsStrides(m, 0, 1, 5);
        }
    }

    @Test
    void slicedRowsAndEveryOtherColumnAreGathered() {
        // x[:, :4] of a 5 x 7 tensor (row stride 7 > width 4), with a storage offset of 2.
        try (TorchZipStore store = open("FloatStorage", f32(storageValues(40)), 40, 2, new long[] {5, 4},
                new long[] {7, 1})) {
            assertMatrixFollowsStrides(store.matrix("t"), 2, 7, 1);
        }
        // x[:, ::2]: column stride 2.
        try (TorchZipStore store = open("FloatStorage", f32(storageValues(35)), 35, 0, new long[] {5, 4},
                new long[] {7, 2})) {
            assertMatrixFollowsStrides(store.matrix("t"), 0, 7, 2);
        }
        // A column stride larger than the row stride, neither 1.
        try (TorchZipStore store = open("FloatStorage", f32(storageValues(64)), 64, 1, new long[] {4, 5},
                new long[] {2, 9})) {
            assertMatrixFollowsStrides(store.matrix("t"), 1, 2, 9);
        }
    }

    @Test
    void transposedHalfPrecisionAndDoubleDecodeThroughTheGather() {
        float[] values = storageValues(12);
        try (TorchZipStore store = open("BFloat16Storage", bf16(values), 12, 0, new long[] {3, 4},
                new long[] {1, 3})) {
            assertEquals(DType.BF16, store.find("t").orElseThrow().dtype());
            assertMatrixFollowsStrides(store.matrix("t"), 0, 1, 3);
        }
        double[] doubles = new double[12];
        for (int i = 0; i < 12; i++) {
            doubles[i] = values[i];
        }
        try (TorchZipStore store = open("DoubleStorage", f64(doubles), 12, 0, new long[] {3, 4},
                new long[] {1, 3})) {
            assertMatrixFollowsStrides(store.matrix("t"), 0, 1, 3);
        }
        ByteBuffer half = ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 12; i++) {
            half.putShort(halfBits(values[i]));
        }
        try (TorchZipStore store = open("HalfStorage", half.array(), 12, 0, new long[] {3, 4}, new long[] {1, 3})) {
            assertMatrixFollowsStrides(store.matrix("t"), 0, 1, 3);
        }
    }

    /** binary16 bits of a value with at most 10 significant bits and a normal exponent (enough here). */
    private static short halfBits(float v) {
        int bits = Float.floatToIntBits(v);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = ((bits >>> 23) & 0xFF) - 127 + 15;
        int mantissa = (bits >>> 13) & 0x3FF;
        return (short) (sign | exponent << 10 | mantissa);
    }

    @Test
    void permuted3dTensorValuesFollowTheStrides() {
        // A contiguous [4, 3, 2] tensor permuted to [2, 4, 3]: strides [1, 6, 2].
        try (TorchZipStore store = open("FloatStorage", f32(storageValues(24)), 24, 0, new long[] {2, 4, 3},
                new long[] {1, 6, 2})) {
            double[] got = store.values("t");
            int i = 0;
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 4; b++) {
                    for (int c = 0; c < 3; c++) {
                        assertEquals(storageValue(a + 6L * b + 2L * c), got[i++], 0.0);
                    }
                }
            }
        }
    }

    @Test
    void broadcastAndEmptyTensorsFitTheirStorage() {
        // expand(): stride 0 repeats one row; only 3 storage elements are needed for a [4, 3] view. It is
        // listed and its values read, but it is no matrix to analyse: its rows are one stored row.
        try (TorchZipStore store = open("FloatStorage", f32(storageValues(3)), 3, 0, new long[] {4, 3},
                new long[] {0, 1})) {
            assertEquals(List.of(4L, 3L), java.util.Arrays.stream(store.tensors().get(0).shape()).boxed().toList());
            assertEquals(storageValue(2), (float) store.values("t")[11]);
            dev.superscope.plugins.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.superscope.plugins.BadInputException.class, () -> store.matrix("t"));
            assertTrue(e.getMessage().contains("overlap") && e.getMessage().contains("stride [0, 1]"), e.getMessage());
        }
        // An empty tensor needs no bytes even when its storage is empty.
        try (TorchZipStore store = open("FloatStorage", new byte[0], 0, 0, new long[] {0, 8}, new long[] {8, 1})) {
            assertEquals(0, store.matrix("t").rows());
            assertEquals(0, store.values("t").length);
        }
    }

    @Test
    void tensorsSharingAStorageAreListedSeparately() {
        // Tied weights: lm_head.weight and wte.weight are the same storage; a second view is offset.
        PickleBuilder p = new PickleBuilder().proto(2).emptyDict().mark();
        p.unicode("wte.weight").tensor("FloatStorage", "0", 12, 0, new long[] {3, 4}, new long[] {4, 1});
        p.unicode("lm_head.weight").tensor("FloatStorage", "0", 12, 0, new long[] {3, 4}, new long[] {4, 1});
        p.unicode("tail").tensor("FloatStorage", "0", 12, 8, new long[] {4}, new long[] {1});
        byte[] pickle = p.setitems().stop().bytes();
        Path file = new TorchArchiveBuilder("tied").pickle(pickle).storage("0", f32(storageValues(12)))
                .write(tmp.resolve("tied.bin"));
        try (TorchZipStore store = TorchZipStore.load(file)) {
            assertEquals(List.of("lm_head.weight", "tail", "wte.weight"),
                    store.tensors().stream().map(TensorInfo::name).toList());
            assertArrayEquals(store.values("wte.weight"), store.values("lm_head.weight"));
            assertArrayEquals(new double[] {storageValue(8), storageValue(9), storageValue(10), storageValue(11)},
                    store.values("tail"));
        }
    }

    @Test
    void zip64ArchiveReadsLikeThePlainOne() {
        byte[] pickle = TorchArchiveBuilder.oneTensorPickle("w", "FloatStorage", 6, 0, new long[] {2, 3},
                new long[] {3, 1});
        Path file = new TorchArchiveBuilder("z64").pickle(pickle).storage("0", f32(storageValues(6))).zip64()
                .write(tmp.resolve("zip64.pt"));
        try (TorchZipStore store = TorchZipStore.load(file)) {
            assertMatrixFollowsStrides(store.matrix("w"), 0, 3, 1);
        }
    }

    @Test
    void parametersUntypedStoragesAndProtocol4FormsAreUnderstood() {
        // nn.Parameter wraps the tensor in _rebuild_parameter; protocol 4 uses STACK_GLOBAL, MEMOIZE and
        // FRAME; an untyped storage with _rebuild_tensor_v3 carries the dtype as an argument.
        PickleBuilder p = new PickleBuilder().proto(4).op(0x95).raw(new byte[8]).emptyDict().op(0x94).mark();
        p.unicode("param").stackGlobal("torch._utils", "_rebuild_parameter").op(0x94);
        p.tensor("FloatStorage", "0", 4, 0, new long[] {2, 2}, new long[] {2, 1});
        p.bool(true).stackGlobal("collections", "OrderedDict").emptyTuple().reduce().tuple(3).reduce();
        p.unicode("v3").global("torch._utils", "_rebuild_tensor_v3").mark();
        p.mark().unicode("storage").global("torch", "UntypedStorage").unicode("1").unicode("cpu").integer(8).tuple();
        p.persid().integer(0).ints(2, 2).ints(2, 1).bool(false).global("collections", "OrderedDict").emptyTuple()
                .reduce().global("torch", "bfloat16").tuple().reduce();
        p.unicode("meta").emptyDict().unicode("dtype").global("torch", "float16").setitem();
        p.setitems().emptyDict().unicode("_metadata").emptyDict().setitem().build().stop();
        Path file = new TorchArchiveBuilder("p4").pickle(p.bytes()).storage("0", f32(1, 2, 3, 4))
                .storage("1", bf16(1, -2, 0.5f, 8)).write(tmp.resolve("p4.pt"));
        try (TorchZipStore store = TorchZipStore.load(file)) {
            assertEquals(List.of("param", "v3"), store.tensors().stream().map(TensorInfo::name).toList());
            assertArrayEquals(new double[] {1, 2, 3, 4}, store.values("param"));
            assertEquals(DType.BF16, store.find("v3").orElseThrow().dtype());
            assertArrayEquals(new float[] {1, -2, 0.5f, 8}, store.matrix("v3").rowsAsFloats(0, 2));
        }
    }

    @Test
    void layoutReportsContiguityLikeTorch() {
        assertTrue(new TensorLayout("a", DType.F32, new long[] {2, 3}, new long[] {3, 1}, 0, "0").isContiguous());
        assertTrue(new TensorLayout("a", DType.F32, new long[] {1, 3}, new long[] {99, 1}, 0, "0").isContiguous());
        assertTrue(new TensorLayout("a", DType.F32, new long[] {0, 3}, new long[] {7, 7}, 0, "0").isContiguous());
        assertTrue(new TensorLayout("a", DType.F32, new long[] {}, new long[] {}, 4, "0").isContiguous());
        assertFalse(new TensorLayout("a", DType.F32, new long[] {2, 3}, new long[] {1, 2}, 0, "0").isContiguous());
        assertFalse(new TensorLayout("a", DType.F32, new long[] {2, 3}, new long[] {4, 1}, 0, "0").isContiguous());
    }

    /** A view whose elements are each stored once, whatever its strides, against ones that reuse elements. */
    @Test
    void layoutKnowsWhenElementsOverlap() {
        long[][][] once = {
            {{2, 3}, {3, 1}}, {{2, 3}, {1, 2}}, {{2, 3}, {4, 1}}, {{3, 2}, {1, 3}}, {{1, 3}, {0, 1}},
            {{0, 5}, {0, 0}}, {{5}, {2}}, {{2, 2, 2}, {1, 4, 2}}, {{}, {}},
        };
        for (long[][] c : once) {
            assertTrue(new TensorLayout("a", DType.F32, c[0], c[1], 0, "0").isNonOverlapping(),
                    java.util.Arrays.deepToString(c));
        }
        long[][][] overlapping = {
            {{20_000_000, 4}, {0, 1}}, {{4, 3}, {1, 1}}, {{3, 4}, {2, 1}}, {{4, 3}, {3, 0}}, {{5}, {0}},
            {{2, 2, 2}, {1, 1, 4}},
        };
        for (long[][] c : overlapping) {
            assertFalse(new TensorLayout("a", DType.F32, c[0], c[1], 0, "0").isNonOverlapping(),
                    java.util.Arrays.deepToString(c));
        }
    }
}
