package dev.superscope.analyzers;

import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrices;
import dev.superscope.plugins.Matrix;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared real fixtures (../shared/fixtures), and a minimal safetensors reader for tests: this module
 * may not depend on the loaders, so the header's entry for one tensor is found with regular expressions
 * and the tensor is mapped with {@link Matrices#mapped}.
 */
final class Fixtures {
    private Fixtures() {
    }

    /** The fixtures folder; skips the calling test, with a message, when it is absent. */
    static Path dir() {
        return dev.superscope.testing.Fixtures.root();
    }

    /** A matrix over tensor {@code name} of {@code checkpoints/<folder>/model.safetensors}; close the channel. */
    static Tensor tensor(String folder, String name) throws IOException {
        Path file = dir().resolve("checkpoints").resolve(folder).resolve("model.safetensors");
        dev.superscope.testing.Fixtures.existing(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(length, 0);
        long headerLength = length.getLong(0);
        ByteBuffer header = ByteBuffer.allocate(Math.toIntExact(headerLength));
        channel.read(header, 8);
        String json = new String(header.array(), StandardCharsets.UTF_8);
        Matcher entry = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\\{([^}]*)}").matcher(json);
        if (!entry.find()) {
            channel.close();
            throw new IllegalStateException("no tensor " + name + " in " + file);
        }
        String body = entry.group(1);
        DType dtype = DType.fromSafetensorsName(group(body, "\"dtype\"\\s*:\\s*\"(\\w+)\""));
        String[] shape = group(body, "\"shape\"\\s*:\\s*\\[([^]]*)]").split(",");
        long start = Long.parseLong(group(body, "\"data_offsets\"\\s*:\\s*\\[\\s*(\\d+)"));
        Matrix matrix = Matrices.mapped(name, dtype, Long.parseLong(shape[0].trim()), Integer.parseInt(shape[1].trim()),
                channel, file, 8 + headerLength + start);
        return new Tensor(matrix, channel);
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no match for " + regex + " in " + text);
        }
        return m.group(1);
    }

    /** A mapped fixture matrix and the channel it reads from. */
    record Tensor(Matrix matrix, FileChannel channel) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
