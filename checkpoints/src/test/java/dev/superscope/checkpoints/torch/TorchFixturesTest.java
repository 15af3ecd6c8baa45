package dev.superscope.checkpoints.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.superscope.testing.Fixtures;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader against real torch.save files (see PROVENANCE.md in each fixture folder). */
class TorchFixturesTest {

    private static Path torchBin(String name) {
        return Fixtures.checkpoint("torch-bin").resolve(name);
    }

    private static Path candle(String name) {
        return Fixtures.checkpoint("candle-pt").resolve(name);
    }

    /** tiny_gpt2.bin's tensors and shapes, from its PROVENANCE table. */
    private static Map<String, long[]> tinyGpt2Shapes() {
        Map<String, long[]> m = new TreeMap<>();
        m.put("wte.weight", new long[] {11, 8});
        m.put("wpe.weight", new long[] {16, 8});
        for (int layer = 0; layer < 2; layer++) {
            String h = "h." + layer + ".";
            m.put(h + "ln_1.weight", new long[] {8});
            m.put(h + "ln_1.bias", new long[] {8});
            m.put(h + "attn.c_attn.weight", new long[] {8, 24});
            m.put(h + "attn.c_attn.bias", new long[] {24});
            m.put(h + "attn.c_proj.weight", new long[] {8, 8});
            m.put(h + "attn.c_proj.bias", new long[] {8});
            m.put(h + "ln_2.weight", new long[] {8});
            m.put(h + "ln_2.bias", new long[] {8});
            m.put(h + "mlp.c_fc.weight", new long[] {8, 32});
            m.put(h + "mlp.c_fc.bias", new long[] {32});
            m.put(h + "mlp.c_proj.weight", new long[] {32, 8});
            m.put(h + "mlp.c_proj.bias", new long[] {8});
            m.put(h + "attn.bias", new long[] {1, 1, 16, 16});
        }
        m.put("ln_f.weight", new long[] {8});
        m.put("ln_f.bias", new long[] {8});
        return m;
    }

    @Test
    void tinyGpt2ListsEveryTensorWithItsDtypeAndShape() {
        Path file = torchBin("tiny_gpt2.bin");
        try (TensorStore store = TorchZipStore.open(file)) {
            Map<String, long[]> expected = tinyGpt2Shapes();
            List<TensorInfo> tensors = store.tensors();
            assertEquals(30, tensors.size());
            assertEquals(new ArrayList<>(expected.keySet()), tensors.stream().map(TensorInfo::name).toList(),
                    "sorted by name");
            for (TensorInfo t : tensors) {
                assertEquals(DType.F32, t.dtype(), t.name());
                assertArrayEquals(expected.get(t.name()), t.shape(), t.name());
                assertEquals(file.toString(), t.source());
            }
            assertEquals(store.find("wte.weight").orElseThrow(), tensors.get(tensors.size() - 1));
            assertTrue(store.find("lm_head.weight").isEmpty());
            assertEquals(file.toString(), store.describe());
        }
    }

    @Test
    void tinyGpt2WteMatchesTheReferenceStatistics() {
        try (TensorStore store = TorchZipStore.open(torchBin("tiny_gpt2.bin"))) {
            Matrix wte = store.matrix("wte.weight");
            assertEquals(11, wte.rows());
            assertEquals(8, wte.cols());
            assertTrue(wte.rawRows(0, 11).isDirect(), "row-major tensor is mapped, not copied");
            float[] w = wte.rowsAsFloats(0, 11);
            double[] norms = new double[11];
            double[][] u = new double[11][8];
            for (int i = 0; i < 11; i++) {
                double s = 0;
                for (int j = 0; j < 8; j++) {
                    s += (double) w[i * 8 + j] * w[i * 8 + j];
                }
                norms[i] = Math.sqrt(s);
                for (int j = 0; j < 8; j++) {
                    u[i][j] = w[i * 8 + j] / norms[i];
                }
            }
            double mean = IntStream.range(0, 11).mapToDouble(i -> norms[i]).average().orElseThrow();
            double var = IntStream.range(0, 11).mapToDouble(i -> (norms[i] - mean) * (norms[i] - mean)).sum() / 11;
            double sq = 0;
            double abs = 0;
            for (int i = 0; i < 11; i++) {
                for (int j = 0; j < 11; j++) {
                    if (i != j) {
                        double c = 0;
                        for (int k = 0; k < 8; k++) {
                            c += u[i][k] * u[j][k];
                        }
                        sq += c * c;
                        abs += Math.abs(c);
                    }
                }
            }
            assertRelative(1.0139228, mean, 1e-6);
            assertRelative(0.189835784, Math.sqrt(var), 1e-6);
            assertRelative(0.75591886, IntStream.range(0, 11).mapToDouble(i -> norms[i]).min().orElseThrow(), 1e-6);
            assertRelative(1.33745701, IntStream.range(0, 11).mapToDouble(i -> norms[i]).max().orElseThrow(), 1e-6);
            assertRelative(0.119066635332, sq / 110, 1e-6);
            assertRelative(0.295174035904, abs / 110, 1e-6);
        }
    }

    @Test
    void tinyGpt2CausalMaskIsLowerTriangularAndNotAMatrix() {
        Path file = torchBin("tiny_gpt2.bin");
        try (TorchZipStore store = TorchZipStore.load(file)) {
            double[] mask = store.values("h.0.attn.bias");
            assertEquals(256, mask.length);
            for (int i = 0; i < 16; i++) {
                for (int j = 0; j < 16; j++) {
                    assertEquals(j <= i ? 1.0 : 0.0, mask[i * 16 + j], "mask[" + i + "][" + j + "]");
                }
            }
            BadInputException e = assertThrows(BadInputException.class, () -> store.matrix("h.0.attn.bias"));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("h.0.attn.bias") && e.getMessage().contains("4-D"), e.getMessage());
            BadInputException missing = assertThrows(BadInputException.class, () -> store.matrix("lm_head.weight"));
            assertTrue(missing.getMessage().contains("no tensor named \"lm_head.weight\""), missing.getMessage());
        }
    }

    @Test
    void shardsEachOpenAndTogetherHoldTheWholeFileAsTheIndexSays() throws Exception {
        Path dir = Fixtures.checkpoint("torch-bin");
        JsonNode weightMap = new ObjectMapper().readTree(dir.resolve("tiny_gpt2.bin.index.json").toFile())
                .get("weight_map");
        try (TorchZipStore whole = TorchZipStore.load(dir.resolve("tiny_gpt2.bin"))) {
            List<String> seen = new ArrayList<>();
            for (String shard : List.of("tiny_gpt2-00001-of-00002.bin", "tiny_gpt2-00002-of-00002.bin")) {
                try (TorchZipStore part = TorchZipStore.load(dir.resolve(shard))) {
                    assertEquals(15, part.tensors().size(), shard);
                    for (TensorInfo t : part.tensors()) {
                        assertEquals(shard, weightMap.get(t.name()).asText(), t.name());
                        TensorInfo same = whole.find(t.name()).orElseThrow();
                        assertEquals(same.dtype(), t.dtype());
                        assertArrayEquals(same.shape(), t.shape(), t.name());
                        assertArrayEquals(whole.values(t.name()), part.values(t.name()), t.name());
                        seen.add(t.name());
                    }
                }
            }
            assertEquals(whole.tensors().stream().map(TensorInfo::name).sorted().toList(), seen.stream().sorted().toList());
            List<String> indexed = new ArrayList<>();
            for (Iterator<String> it = weightMap.fieldNames(); it.hasNext(); ) {
                indexed.add(it.next());
            }
            assertEquals(seen.stream().sorted().toList(), indexed.stream().sorted().toList());
        }
    }

    @Test
    void tinyTorchStateHasMixedDtypesA3dTensorAndAScalar() {
        try (TorchZipStore store = TorchZipStore.load(torchBin("tiny_torch_state.bin"))) {
            assertEquals(List.of("cube_f32", "ids_i64", "scalar_f32", "w_bf16", "w_f16", "w_f32"),
                    store.tensors().stream().map(TensorInfo::name).toList());
            assertInfo(store, "w_f32", DType.F32, 3, 4);
            assertInfo(store, "w_f16", DType.F16, 2, 5);
            assertInfo(store, "w_bf16", DType.BF16, 4, 2);
            assertInfo(store, "ids_i64", DType.I64, 7);
            assertInfo(store, "cube_f32", DType.F32, 2, 3, 5);
            assertInfo(store, "scalar_f32", DType.F32);

            assertArrayEquals(new double[] {-3, -2, -1, 0, 1, 2, 3}, store.values("ids_i64"));
            assertArrayEquals(new double[] {3.5}, store.values("scalar_f32"));
            assertEquals(0, store.find("scalar_f32").orElseThrow().rank());
            // Values decoded independently (numpy over the raw storage bytes); F16 and BF16 are exact.
            assertArrayEquals(new double[] {0.1583251953125, 1.037109375, 1.4052734375, 0.4677734375, 0.46875,
                1.185546875, -1.09765625, -0.37646484375, -0.267822265625, -2.26171875}, store.values("w_f16"));
            assertArrayEquals(new double[] {0.62109375, 0.41796875, 0.51171875, -1.5078125, -0.6171875, -2.265625,
                -0.8359375, -0.4765625}, store.values("w_bf16"));
            double[] w = store.values("w_f32");
            assertEquals(0.7280119061470032, w[0]);
            assertEquals(-0.5506036281585693, w[3]);
            assertEquals(0.6251326203346252, w[11]);
            double[] cube = store.values("cube_f32");
            assertEquals(30, cube.length);
            assertEquals(0.29750049114227295, cube[0]);
            assertEquals(2.7763566970825195, cube[15]); // [1][0][0]
            assertEquals(0.632777214050293, cube[29]);

            // The matrices decode to the same values through the plugin API's row decoders.
            Matrix f16 = store.matrix("w_f16");
            float[] rows = f16.rowsAsFloats(0, 2);
            double[] expected = store.values("w_f16");
            for (int i = 0; i < 10; i++) {
                assertEquals(expected[i], rows[i], 0.0);
            }
            float[] bf16Row = store.matrix("w_bf16").rowsAsFloats(3, 1);
            assertArrayEquals(new float[] {-0.8359375f, -0.4765625f}, bf16Row);

            assertMatrixRefused(store, "cube_f32", "3-D");
            assertMatrixRefused(store, "ids_i64", "1-D");
            assertMatrixRefused(store, "scalar_f32", "0-D");
        }
    }

    @Test
    void fortranOrderedTensorReadsInLogicalOrder() {
        try (TorchZipStore store = TorchZipStore.load(candle("fortran_tensor_3d.pth"))) {
            TensorLayout layout = store.layout("tensor_fortran").orElseThrow();
            assertArrayEquals(new long[] {2, 3, 4}, layout.shape());
            assertArrayEquals(new long[] {1, 2, 6}, layout.stride());
            assertFalse(layout.isContiguous());
            assertEquals(DType.I64, layout.dtype());
            // torch.arange(1, 25).reshape(2, 3, 4) saved in Fortran order: logical order is 1..24.
            double[] expected = IntStream.rangeClosed(1, 24).asDoubleStream().toArray();
            assertArrayEquals(expected, store.values("tensor_fortran"));
        }
    }

    @Test
    void candleInt64BoolAndNestedKeys() {
        try (TorchZipStore store = TorchZipStore.load(candle("test.pt"))) {
            assertInfo(store, "test", DType.I64, 2, 4);
            assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, store.values("test"));
        }
        try (TorchZipStore store = TorchZipStore.load(candle("test_with_key.pt"))) {
            assertEquals(List.of("model_state_dict.test"), store.tensors().stream().map(TensorInfo::name).toList());
            assertInfo(store, "model_state_dict.test", DType.I64, 2, 4);
            assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, store.values("model_state_dict.test"));
            assertMatrixRefused(store, "model_state_dict.test", "I64");
        }
        try (TorchZipStore store = TorchZipStore.load(candle("boolean.pt"))) {
            assertInfo(store, "bool", DType.BOOL, 2, 2);
            assertArrayEquals(new double[] {1, 0, 0, 1}, store.values("bool"));
        }
        try (TensorStore store = TorchZipStore.open(candle("config.pt"))) {
            assertTrue(store.tensors().isEmpty(), "a dict of scalars has no tensors");
        }
    }

    @Test
    void evilPickleIsRefusedAtItsGlobalBeforeAnythingIsCalled(@TempDir Path tmp) throws Exception {
        Path evil = torchBin("evil_torch.bin");
        BadInputException e = assertThrows(BadInputException.class, () -> TorchZipStore.open(evil));
        String message = e.getMessage();
        assertTrue(message.startsWith(evil.toString() + ": "), message);
        assertTrue(message.contains("refused pickle global posix.system"), message);
        // The GLOBAL opcode is at byte 13 of data.pkl; the REDUCE that would call it is at byte 49.
        assertTrue(message.contains("at byte 13 of evil_torch/data.pkl"), message);
        assertFalse(message.contains("\n"));

        // The fixture's payload only echoes; a payload with a visible effect proves nothing runs either.
        Path marker = tmp.resolve("pwned");
        byte[] pickle = new PickleBuilder().proto(2).emptyDict().unicode("x").global("posix", "system")
                .unicode("touch " + marker).tuple(1).reduce().setitem().stop().bytes();
        Path file = new TorchArchiveBuilder("evil").pickle(pickle).write(tmp.resolve("evil.bin"));
        BadInputException e2 = assertThrows(BadInputException.class, () -> TorchZipStore.open(file));
        assertTrue(e2.getMessage().contains("posix.system"), e2.getMessage());
        Thread.sleep(100); // a spawned shell, had there been one, would have had time to run
        assertFalse(Files.exists(marker), "the payload must never run");
    }

    private static void assertInfo(TensorStore store, String name, DType dtype, long... shape) {
        TensorInfo t = store.find(name).orElseThrow(() -> new AssertionError("no " + name));
        assertEquals(dtype, t.dtype(), name);
        assertArrayEquals(shape, t.shape(), name);
    }

    private static void assertMatrixRefused(TensorStore store, String name, String reason) {
        BadInputException e = assertThrows(BadInputException.class, () -> store.matrix(name));
        assertTrue(e.getMessage().startsWith(store.describe() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains(reason), e.getMessage());
    }

    private static void assertRelative(double expected, double actual, double tolerance) {
        assertTrue(Math.abs(actual - expected) <= tolerance * Math.abs(expected),
                "expected " + expected + " but got " + actual);
    }
}
