package dev.superscope.checkpoints.torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Assembles a torch.save-shaped archive ({@code <prefix>/data.pkl}, {@code byteorder},
 * {@code data/<key>} storages) from a pickle and storage bytes, with switches for the ways a hostile
 * or damaged file differs from a real one.
 */
final class TorchArchiveBuilder {
    private final String prefix;
    private byte[] pickle = new byte[0];
    private final Map<String, byte[]> storages = new LinkedHashMap<>();
    private String byteorder = "little";
    private boolean deflateStorages;
    private boolean zip64;

    TorchArchiveBuilder(String prefix) {
        this.prefix = prefix;
    }

    TorchArchiveBuilder pickle(byte[] bytes) {
        this.pickle = bytes;
        return this;
    }

    TorchArchiveBuilder storage(String key, byte[] bytes) {
        storages.put(key, bytes);
        return this;
    }

    /** {@code null} leaves the byteorder entry out. */
    TorchArchiveBuilder byteorder(String order) {
        this.byteorder = order;
        return this;
    }

    TorchArchiveBuilder deflateStorages() {
        this.deflateStorages = true;
        return this;
    }

    TorchArchiveBuilder zip64() {
        this.zip64 = true;
        return this;
    }

    byte[] build() {
        ZipBuilder zip = new ZipBuilder();
        zip.stored(prefix + "/data.pkl", pickle);
        if (byteorder != null) {
            zip.stored(prefix + "/byteorder", byteorder.getBytes(StandardCharsets.US_ASCII));
        }
        for (Map.Entry<String, byte[]> s : storages.entrySet()) {
            if (deflateStorages) {
                zip.deflated(prefix + "/data/" + s.getKey(), s.getValue());
            } else {
                // torch pads each storage's local header so its data starts 64-byte aligned
                zip.storedPadded(prefix + "/data/" + s.getKey(), s.getValue(), 13);
            }
        }
        zip.stored(prefix + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        if (zip64) {
            zip.zip64();
        }
        return zip.build();
    }

    Path write(Path file) {
        try {
            return Files.write(file, build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Little-endian float32 bytes. */
    static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** Little-endian float64 bytes. */
    static byte[] f64(double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    /** bfloat16 bytes (the upper halves of the float32 values, which the tests choose exactly representable). */
    static byte[] bf16(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort((short) (Float.floatToIntBits(v) >>> 16));
        }
        return b.array();
    }

    /**
     * A one-tensor state dict {@code {name: tensor}} over storage key "0" of {@code storageClass}.
     */
    static byte[] oneTensorPickle(String name, String storageClass, long numel, long offset, long[] shape,
                                  long[] stride) {
        return new PickleBuilder().proto(2).emptyDict().unicode(name)
                .tensor(storageClass, "0", numel, offset, shape, stride).setitem().stop().bytes();
    }
}
