package dev.superscope.pipeline.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.pipeline.ModelResolver;
import dev.superscope.pipeline.Target;
import dev.superscope.checkpoints.hub.DownloadListener;
import dev.superscope.checkpoints.hub.HubSettings;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.testing.Fixtures;
import dev.superscope.testing.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tensor named on the command line, in real checkpoints and in files without config.json. */
class NamedTensorTest {
    @TempDir
    Path tmp;

    @Test
    void theGpt2EmbeddingByNameIsTheLoadersMatrix() {
        Path dir = Fixtures.checkpoint("gpt2-m16");
        try (Checkpoint byName = CheckpointOpener.open(dir, "gpt2-m16");
             Checkpoint byLoader = CheckpointOpener.open(dir, "gpt2-m16")) {
            LoadedModel tensor = NamedTensor.load(byName, "transformer.wte.weight", false);
            LoadedModel loaded = Plugins.discover(getClass().getClassLoader()).architectureFor(byLoader, null)
                    .load(byLoader);
            assertEquals("tensor", tensor.loader());
            assertEquals("GPT2LMHeadModel", tensor.architecture());
            assertSame(tensor.embedding(), tensor.unembedding(), "one tensor in both roles");
            assertEquals(loaded.unembedding().rows(), tensor.unembedding().rows());
            assertEquals(loaded.unembedding().cols(), tensor.unembedding().cols());
            assertEquals(loaded.tokenizerVocab(), tensor.tokenizerVocab());
            assertEquals(loaded.unembedding().rawRows(0, 50257), tensor.unembedding().rawRows(0, 50257),
                    "byte for byte");
            assertEquals(0, tensor.paddedRows(MatrixKind.UNEMBEDDING));
        }
    }

    @Test
    void aTypoListsTheNearNames() {
        try (Checkpoint cp = CheckpointOpener.open(Fixtures.checkpoint("gpt2-m16"), "gpt2-m16")) {
            BadInputException e = assertThrows(BadInputException.class,
                    () -> NamedTensor.load(cp, "transformer.wte.weigth", false));
            assertEquals(SuperscopeException.BAD_INPUT, e.exitCode());
            assertTrue(e.getMessage().contains("model.safetensors: no tensor named \"transformer.wte.weigth\" among its 16 tensors")
                    && e.getMessage().contains("(similar: \"transformer.wte.weight\""), e.getMessage());
            BadInputException prefix = assertThrows(BadInputException.class, () -> NamedTensor.load(cp, "wte.weight", false));
            assertTrue(prefix.getMessage().contains("similar: \"transformer.wte.weight\""), prefix.getMessage());
        }
    }

    @Test
    void aTensorThatIsNotAMatrixOrNotFloatingPointIsRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("odd"));
        new SafetensorsFile().add("norm.weight", new long[] {4}, new float[4])
                .add("cube", new long[] {2, 2, 2}, new float[8]).write(dir.resolve("model.safetensors"));
        try (Checkpoint cp = CheckpointOpener.open(dir, "odd")) {
            BadInputException vector = assertThrows(BadInputException.class, () -> NamedTensor.load(cp, "norm.weight", false));
            assertTrue(vector.getMessage().contains("has shape [4] (1-D); --tensor needs a 2-D matrix"), vector.getMessage());
            BadInputException cube = assertThrows(BadInputException.class, () -> NamedTensor.load(cp, "cube", true));
            assertTrue(cube.getMessage().contains("[2, 2, 2] (3-D)") && cube.getMessage().contains("model.safetensors"),
                    cube.getMessage());
        }
        Path bin = Fixtures.checkpoint("torch-bin").resolve("tiny_torch_state.bin");
        try (Checkpoint cp = CheckpointOpener.open(bin, "state")) {
            String ints = cp.tensors().tensors().stream().filter(t -> t.rank() == 2 && !t.dtype().isDecodable())
                    .map(dev.superscope.plugins.TensorInfo::name).findFirst().orElse(null);
            if (ints != null) {
                BadInputException e = assertThrows(BadInputException.class, () -> NamedTensor.load(cp, ints, false));
                assertTrue(e.getMessage().contains("cannot be analysed; supported dtypes: F16, BF16, F32, F64"),
                        e.getMessage());
            }
        }
    }

    @Test
    void aFileWithoutConfigOpensAndTransposingReadsTheColumns() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("noconfig"));
        float[] stored = new float[3 * 5];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = i;
        }
        new SafetensorsFile().add("head", new long[] {3, 5}, stored).write(dir.resolve("weights.safetensors"));
        try (Checkpoint cp = CheckpointOpener.open(dir.resolve("weights.safetensors"), "weights")) {
            LoadedModel model = NamedTensor.load(cp, "head", true);
            assertEquals(5, model.unembedding().rows());
            assertEquals(3, model.unembedding().cols());
            assertArrayEquals(new float[] {1, 6, 11, 2, 7, 12}, model.unembedding().rowsAsFloats(1, 2));
            assertEquals("", model.architecture(), "no config.json: no architecture");
            assertTrue(model.warnings().get(0).contains("transposed"), model.warnings().toString());
        }
    }

    @Test
    void aTensorAndALoaderOrATransposeAloneAreUsageErrors() {
        ModelResolver resolver = new ModelResolver(Plugins.discover(getClass().getClassLoader()),
                HubSettings.fromProcess().offlineCopy(), DownloadListener.NONE);
        String dir = Fixtures.checkpoint("gpt2-m16").toString();
        SuperscopeException both = assertThrows(SuperscopeException.class, () -> resolver.load(
                new Target("t", "t", dir, "gpt2", Map.of(), "transformer.wte.weight", false, null)));
        assertEquals(SuperscopeException.USAGE, both.exitCode());
        SuperscopeException alone = assertThrows(SuperscopeException.class, () -> resolver.load(
                new Target("t", "t", dir, null, Map.of(), null, true, null)));
        assertEquals(SuperscopeException.USAGE, alone.exitCode());
        LoadedModel model = resolver.load(new Target("t", "t", dir, null, Map.of(), "transformer.wte.weight", false, null));
        assertEquals("tensor", model.loader());
        model.checkpoint().close();
    }
}
