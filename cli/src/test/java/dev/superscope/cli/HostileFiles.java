package dev.superscope.cli;

import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.plugins.DType;
import dev.superscope.testing.ZipDeflate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Byte builders for the CLI's hostile-input tests: safetensors files written by hand (so every rule can be
 * broken once), torch.save-shaped zip archives with a hand-written pickle, and GPT-2 config files. The
 * loaders module has richer builders in its own tests; these are the few the command-line cases need.
 */
final class HostileFiles {
    private HostileFiles() {
    }

    /** The GPT-2 tensor every checkpoint here stores (tied head). */
    static final String WTE = "transformer.wte.weight";

    // ---- checkpoints -----------------------------------------------------------------------------------

    /** A GPT-2-format config.json for an n x m vocabulary matrix. */
    static void gpt2Config(Path dir, int n, int m) {
        write(dir.resolve("config.json"), ("{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"], "
                + "\"n_embd\": " + m + ", \"vocab_size\": " + n + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** A directory {@code dir} holding a GPT-2 config and {@code model.safetensors} with the given bytes. */
    static Path gpt2Safetensors(Path dir, byte[] safetensors) {
        mkdirs(dir);
        gpt2Config(dir, 4, 2);
        write(dir.resolve("model.safetensors"), safetensors);
        return dir;
    }

    /** A well-formed GPT-2 checkpoint whose wte holds {@code values} (n x m, F32). */
    static Path gpt2(Path dir, int n, int m, float[] values) {
        mkdirs(dir);
        gpt2Config(dir, n, m);
        try {
            new SafetensorsWriter().floats(WTE, DType.F32, new long[] {n, m}, values).write(dir.resolve("model.safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    // ---- safetensors by hand ---------------------------------------------------------------------------

    /** 8-byte little-endian {@code declaredLength}, the header bytes, then {@code dataBytes} zero bytes. */
    static byte[] safetensors(byte[] header, long declaredLength, int dataBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(8).putLong(declaredLength).array());
        out.writeBytes(header);
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    /** A correctly prefixed header {@code {json}} followed by {@code dataBytes} zero bytes. */
    static byte[] safetensors(String json, int dataBytes) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return safetensors(header, header.length, dataBytes);
    }

    /** One tensor entry as JSON, without the surrounding braces. */
    static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    // ---- PyTorch zip archives --------------------------------------------------------------------------

    /** Little-endian float32 bytes. */
    static byte[] f32(float... values) {
        ByteBuffer b = le(values.length * 4);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** Pickle bytes opcode by opcode, as CPython's protocol-2 pickler writes a torch.save state dict. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int opcode) {
            out.write(opcode);
            return this;
        }

        Pickle proto2() {
            return op(0x80).op(2);
        }

        Pickle int32(int v) {
            return op(v & 0xFF).op((v >> 8) & 0xFF).op((v >> 16) & 0xFF).op(v >>> 24);
        }

        Pickle integer(long v) {
            return v >= 0 && v < 256 ? op('K').op((int) v) : op('J').int32((int) v);
        }

        Pickle unicode(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X').int32(b.length);
            out.writeBytes(b);
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle ints(long... values) {
            op('(');
            for (long v : values) {
                integer(v);
            }
            return op('t');
        }

        /** {@code _rebuild_tensor_v2(persistent storage "0", offset, size, stride, False, OrderedDict())}. */
        Pickle tensor(String storageClass, long numel, long offset, long[] shape, long[] stride) {
            global("torch._utils", "_rebuild_tensor_v2").op('(');
            op('(').unicode("storage").global("torch", storageClass).unicode("0").unicode("cpu").integer(numel).op('t');
            op('Q');
            integer(offset).ints(shape).ints(stride).op(0x89);
            global("collections", "OrderedDict").op(')').op('R');
            return op('t').op('R');
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** {@code {name: tensor}} over F32 storage "0". */
    static byte[] oneTensorPickle(String name, long numel, long[] shape, long[] stride) {
        return new Pickle().proto2().op('}').unicode(name).tensor("FloatStorage", numel, 0, shape, stride).op('s')
                .op('.').bytes();
    }

    /** A zip written by hand: stored or deflated entries whose declared sizes may lie. */
    static final class Zip {
        private record Item(String name, byte[] data, boolean deflate, long declaredSize) {
        }

        private final List<Item> items = new ArrayList<>();

        Zip stored(String name, byte[] data) {
            items.add(new Item(name, data, false, -1));
            return this;
        }

        /** A deflated entry whose headers claim {@code declaredSize} uncompressed bytes (below 4 GiB). */
        Zip deflatedDeclaring(String name, byte[] data, long declaredSize) {
            items.add(new Item(name, data, true, declaredSize));
            return this;
        }

        /** A torch.save archive "archive/" with this pickle and storages "0".. in order. */
        static Zip torch(byte[] pickle, byte[]... storages) {
            Zip zip = new Zip().stored("archive/data.pkl", pickle)
                    .stored("archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < storages.length; i++) {
                zip.stored("archive/data/" + i, storages[i]);
            }
            return zip.stored("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }

        byte[] build() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream central = new ByteArrayOutputStream();
            for (Item item : items) {
                byte[] payload = item.deflate() ? deflate(item.data()) : item.data();
                CRC32 crc = new CRC32();
                crc.update(item.data());
                long usize = item.declaredSize() >= 0 ? item.declaredSize() : item.data().length;
                int method = item.deflate() ? 8 : 0;
                int offset = out.size();
                byte[] name = item.name().getBytes(StandardCharsets.UTF_8);
                ByteBuffer local = le(30 + name.length);
                local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) method)
                        .putInt(0).putInt((int) crc.getValue()).putInt(payload.length).putInt((int) usize)
                        .putShort((short) name.length).putShort((short) 0).put(name);
                out.writeBytes(local.array());
                out.writeBytes(payload);
                ByteBuffer c = le(46 + name.length);
                c.putInt(0x02014b50).putShort((short) 0x031e).putShort((short) 20).putShort((short) 0)
                        .putShort((short) method).putInt(0).putInt((int) crc.getValue()).putInt(payload.length)
                        .putInt((int) usize).putShort((short) name.length).putShort((short) 0).putShort((short) 0)
                        .putShort((short) 0).putShort((short) 0).putInt(0).putInt(offset).put(name);
                central.writeBytes(c.array());
            }
            int cdStart = out.size();
            out.writeBytes(central.toByteArray());
            ByteBuffer end = le(22);
            end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) items.size())
                    .putShort((short) items.size()).putInt(central.size()).putInt(cdStart).putShort((short) 0);
            out.writeBytes(end.array());
            return out.toByteArray();
        }

        private static byte[] deflate(byte[] data) {
            return ZipDeflate.compress(data, Deflater.BEST_COMPRESSION);
        }
    }

    /** A directory {@code dir} with a GPT-2 config and {@code pytorch_model.bin} holding {@code bytes}. */
    static Path gpt2Bin(Path dir, byte[] bytes) {
        mkdirs(dir);
        gpt2Config(dir, 3, 4);
        write(dir.resolve("pytorch_model.bin"), bytes);
        return dir;
    }

    // ---- plumbing --------------------------------------------------------------------------------------

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path file, String text) {
        return write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
