package dev.superscope.checkpoints.hub;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes a torch.save-shaped zip the way PyTorch lays it out (protocol-2 {@code data.pkl} of
 * {@code _rebuild_tensor_v2} calls over persistent FloatStorage records, {@code byteorder}, one stored
 * entry per storage with its data 64-byte aligned, {@code version}), for hub tests that need a .bin
 * larger than the fixtures. Records where each part landed, so tests can count the bytes a reader needs.
 */
final class TorchBinWriter {
    private record Tensor(String name, String key, long offset, long[] shape, long[] stride) {
    }

    private final String prefix;
    private final Map<String, byte[]> storages = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private byte[] rawPickle;
    /** Filled by {@link #write}: where the central directory starts and how large data.pkl is. */
    long centralDirectoryOffset;
    int pickleBytes;

    TorchBinWriter(String prefix) {
        this.prefix = prefix;
    }

    /** A float32 storage under {@code key}. */
    TorchBinWriter storage(String key, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        storages.put(key, b.array());
        return this;
    }

    /** A tensor viewing storage {@code key}. */
    TorchBinWriter tensor(String name, String key, long offset, long[] shape, long[] stride) {
        tensors.add(new Tensor(name, key, offset, shape, stride));
        return this;
    }

    /** Writes {@code bytes} as data.pkl instead of the state dict of the tensors given (for hostile pickles). */
    TorchBinWriter rawPickle(byte[] bytes) {
        this.rawPickle = bytes.clone();
        return this;
    }

    Path write(Path file) throws IOException {
        byte[] pickle = rawPickle != null ? rawPickle : pickle();
        pickleBytes = pickle.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<byte[]> central = new ArrayList<>();
        entry(out, central, prefix + "/data.pkl", pickle, false);
        entry(out, central, prefix + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII), false);
        for (Map.Entry<String, byte[]> s : storages.entrySet()) {
            entry(out, central, prefix + "/data/" + s.getKey(), s.getValue(), true);
        }
        entry(out, central, prefix + "/version", "3\n".getBytes(StandardCharsets.US_ASCII), false);
        centralDirectoryOffset = out.size();
        for (byte[] c : central) {
            out.writeBytes(c);
        }
        long cdSize = out.size() - centralDirectoryOffset;
        ByteBuffer e = le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) central.size()).putShort((short) central.size())
                .putInt((int) cdSize).putInt((int) centralDirectoryOffset).putShort((short) 0);
        out.writeBytes(e.array());
        return Files.write(file, out.toByteArray());
    }

    private static void entry(ByteArrayOutputStream out, List<byte[]> central, String name, byte[] data,
                              boolean align) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(data);
        long offset = out.size();
        int extra = 0;
        if (align) {
            long start = offset + 30 + n.length + 4;
            extra = 4 + (int) ((64 - start % 64) % 64);
        }
        ByteBuffer h = le(30 + n.length + extra).putInt(0x04034b50).putShort((short) 20).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt((int) crc.getValue())
                .putInt(data.length).putInt(data.length).putShort((short) n.length).putShort((short) extra).put(n);
        if (extra > 0) {
            h.putShort((short) 0x4246).putShort((short) (extra - 4)).put(new byte[extra - 4]);
        }
        out.writeBytes(h.array());
        out.writeBytes(data);
        ByteBuffer c = le(46 + n.length).putInt(0x02014b50).putShort((short) 0x031e).putShort((short) 20)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                .putInt((int) crc.getValue()).putInt(data.length).putInt(data.length).putShort((short) n.length)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                .putInt((int) offset).put(n);
        central.add(c.array());
    }

    /** {@code {name: _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}}, protocol 2. */
    private byte[] pickle() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.write('}');
        for (Tensor t : tensors) {
            unicode(p, t.name());
            global(p, "torch._utils", "_rebuild_tensor_v2");
            p.write('(');
            p.write('(');
            unicode(p, "storage");
            global(p, "torch", "FloatStorage");
            unicode(p, t.key());
            unicode(p, "cpu");
            integer(p, storages.get(t.key()).length / 4);
            p.write('t');
            p.write('Q');
            integer(p, t.offset());
            ints(p, t.shape());
            ints(p, t.stride());
            p.write(0x89);
            global(p, "collections", "OrderedDict");
            p.write(')');
            p.write('R');
            p.write('t');
            p.write('R');
            p.write('s');
        }
        p.write('.');
        return p.toByteArray();
    }

    private static void unicode(ByteArrayOutputStream p, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write('X');
        p.writeBytes(le(4).putInt(b.length).array());
        p.writeBytes(b);
    }

    private static void global(ByteArrayOutputStream p, String module, String name) {
        p.write('c');
        p.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void integer(ByteArrayOutputStream p, long v) {
        p.write('J');
        p.writeBytes(le(4).putInt(Math.toIntExact(v)).array());
    }

    private static void ints(ByteArrayOutputStream p, long[] values) {
        p.write('(');
        for (long v : values) {
            integer(p, v);
        }
        p.write('t');
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
