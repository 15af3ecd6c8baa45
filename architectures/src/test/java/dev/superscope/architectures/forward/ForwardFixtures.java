package dev.superscope.architectures.forward;

import dev.superscope.testing.Fixtures;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.TensorStore;
import dev.superscope.plugins.TokenizerInfo;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The shared checkpoint fixtures with reference logits, opened without the loaders module (which this
 * module may not depend on): a minimal safetensors reader (the header parsed with Jackson, every tensor
 * mapped with {@link Matrices#mapped}) and config.json as a {@link ModelConfig}.
 */
final class ForwardFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ForwardFixtures() {
    }

    /** {@code checkpoints/<folder>}, or a skipped test when the fixtures are absent. */
    static Path folder(String name) {
        return Fixtures.checkpoint(name);
    }

    /** The fixture as a checkpoint; close it. */
    @SuppressWarnings("unchecked")
    static Checkpoint checkpoint(String name) {
        Path folder = folder(name);
        try {
            Path configFile = folder.resolve("config.json");
            Map<String, Object> values = JSON.readValue(configFile.toFile(), Map.class);
            ModelConfig config = new ModelConfig(values, configFile);
            return new Checkpoint(name, folder, config, SafetensorsFile.open(folder.resolve("model.safetensors")),
                    TokenizerInfo.none());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code reference_logits.json}: the sequences and transformers' float64 logits. */
    record Reference(long[][] sequences, double[][][] logits) {
    }

    static Reference reference(String name) {
        try {
            JsonNode root = JSON.readTree(folder(name).resolve("reference_logits.json").toFile());
            long[][] seqs = JSON.convertValue(root.get("sequences"), long[][].class);
            double[][][] logits = JSON.convertValue(root.get("logits"), double[][][].class);
            return new Reference(seqs, logits);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Largest absolute difference over all positions and vocabulary rows. */
    static double maxAbsError(double[][] expected, double[][] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError(actual.length + " positions, expected " + expected.length);
        }
        double worst = 0;
        for (int t = 0; t < expected.length; t++) {
            if (expected[t].length != actual[t].length) {
                throw new AssertionError("position " + t + ": " + actual[t].length + " logits, expected "
                        + expected[t].length);
            }
            for (int v = 0; v < expected[t].length; v++) {
                double d = Math.abs(expected[t][v] - actual[t][v]);
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
            }
        }
        return worst;
    }

    /** A single .safetensors file: header parsed with Jackson, tensors mapped, any rank viewed as rows. */
    static final class SafetensorsFile implements TensorStore {
        private final Path file;
        private final FileChannel channel;
        private final Map<String, TensorInfo> infos = new TreeMap<>();
        private final Map<String, Long> offsets = new TreeMap<>();

        private SafetensorsFile(Path file, FileChannel channel) {
            this.file = file;
            this.channel = channel;
        }

        static SafetensorsFile open(Path file) throws IOException {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            SafetensorsFile store = new SafetensorsFile(file, channel);
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(length, 0);
            long headerLength = length.getLong(0);
            ByteBuffer header = ByteBuffer.allocate(Math.toIntExact(headerLength));
            channel.read(header, 8);
            JsonNode root = JSON.readTree(header.array());
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonNode n = e.getValue();
                long[] shape = JSON.convertValue(n.get("shape"), long[].class);
                DType dtype = DType.fromSafetensorsName(n.get("dtype").asText());
                store.infos.put(e.getKey(), new TensorInfo(e.getKey(), dtype, shape, file.toString()));
                store.offsets.put(e.getKey(), 8 + headerLength + n.get("data_offsets").get(0).asLong());
            }
            return store;
        }

        @Override
        public List<TensorInfo> tensors() {
            return new ArrayList<>(infos.values());
        }

        @Override
        public Optional<TensorInfo> find(String name) {
            return Optional.ofNullable(infos.get(name));
        }

        @Override
        public Matrix matrix(String name) {
            TensorInfo t = find(name).orElseThrow(() -> new BadInputException(file, "no tensor " + name));
            if (t.rank() != 2) {
                throw new BadInputException(file, name + " is not 2-D");
            }
            return view(name);
        }

        @Override
        public Matrix view(String name) {
            TensorInfo t = find(name).orElseThrow(() -> new BadInputException(file, "no tensor " + name));
            long[] s = t.shape();
            long rows = s.length == 1 ? 1 : s[0];
            long cols = s.length == 1 ? s[0] : t.elementCount() / Math.max(1, s[0]);
            return Matrices.mapped(name, t.dtype(), rows, (int) cols, channel, file, offsets.get(name));
        }

        @Override
        public String describe() {
            return file.toString();
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only
            }
        }
    }
}
