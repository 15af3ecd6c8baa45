package dev.superscope.checkpoints.torch;

import dev.superscope.testing.ZipDeflate;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip files by hand, in the plain form or the ZIP64 form, with entries stored or deflated and
 * sizes that may lie, for tests of the zip reader against both good and hostile archives.
 */
final class ZipBuilder {
    private record Item(String name, byte[] data, boolean deflate, long declaredSize, int localPadding) {
    }

    private final List<Item> items = new ArrayList<>();
    private boolean zip64;

    /** An entry stored as is (method 0). */
    ZipBuilder stored(String name, byte[] data) {
        items.add(new Item(name, data, false, -1, 0));
        return this;
    }

    /** A stored entry whose local header carries {@code padding} bytes of extra field, as torch aligns data. */
    ZipBuilder storedPadded(String name, byte[] data, int padding) {
        items.add(new Item(name, data, false, -1, padding));
        return this;
    }

    /** An entry compressed with deflate (method 8). */
    ZipBuilder deflated(String name, byte[] data) {
        items.add(new Item(name, data, true, -1, 0));
        return this;
    }

    /** A deflated entry whose directory claims {@code declaredSize} uncompressed bytes, whatever it holds. */
    ZipBuilder deflatedDeclaring(String name, byte[] data, long declaredSize) {
        items.add(new Item(name, data, true, declaredSize, 0));
        return this;
    }

    /** Writes every size and offset through ZIP64 extra fields and adds the ZIP64 end record and locator. */
    ZipBuilder zip64() {
        zip64 = true;
        return this;
    }

    byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<long[]> central = new ArrayList<>(); // crc, csize, usize, offset, method
        List<byte[]> payloads = new ArrayList<>();
        for (Item item : items) {
            byte[] payload = item.deflate() ? deflate(item.data()) : item.data();
            CRC32 crc = new CRC32();
            crc.update(item.data());
            long usize = item.declaredSize() >= 0 ? item.declaredSize() : item.data().length;
            long offset = out.size();
            byte[] name = item.name().getBytes(StandardCharsets.UTF_8);
            int extra = (zip64 ? 20 : 0) + (item.localPadding() > 0 ? 4 + item.localPadding() : 0);
            ByteBuffer h = le(30 + name.length + extra);
            h.putInt(0x04034b50).putShort((short) (zip64 ? 45 : 20)).putShort((short) 0)
                    .putShort((short) (item.deflate() ? 8 : 0)).putShort((short) 0).putShort((short) 0)
                    .putInt((int) crc.getValue())
                    .putInt(zip64 ? -1 : payload.length).putInt(zip64 ? -1 : (int) usize)
                    .putShort((short) name.length).putShort((short) extra).put(name);
            if (zip64) {
                h.putShort((short) 1).putShort((short) 16).putLong(usize).putLong(payload.length);
            }
            if (item.localPadding() > 0) {
                h.putShort((short) 0x4246).putShort((short) item.localPadding()).put(new byte[item.localPadding()]);
            }
            out.writeBytes(h.array());
            out.writeBytes(payload);
            central.add(new long[] {crc.getValue(), payload.length, usize, offset, item.deflate() ? 8 : 0});
            payloads.add(name);
        }
        long cdStart = out.size();
        for (int i = 0; i < items.size(); i++) {
            long[] c = central.get(i);
            byte[] name = payloads.get(i);
            int extra = zip64 ? 28 : 0;
            ByteBuffer h = le(46 + name.length + extra);
            h.putInt(0x02014b50).putShort((short) 0x031e).putShort((short) (zip64 ? 45 : 20)).putShort((short) 0)
                    .putShort((short) c[4]).putShort((short) 0).putShort((short) 0).putInt((int) c[0])
                    .putInt(zip64 ? -1 : (int) c[1]).putInt(zip64 ? -1 : (int) c[2])
                    .putShort((short) name.length).putShort((short) extra).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt(zip64 ? -1 : (int) c[3]).put(name);
            if (zip64) {
                h.putShort((short) 1).putShort((short) 24).putLong(c[2]).putLong(c[1]).putLong(c[3]);
            }
            out.writeBytes(h.array());
        }
        long cdSize = out.size() - cdStart;
        if (zip64) {
            long z64 = out.size();
            ByteBuffer r = le(56 + 20);
            r.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(items.size()).putLong(items.size()).putLong(cdSize).putLong(cdStart);
            r.putInt(0x07064b50).putInt(0).putLong(z64).putInt(1);
            out.writeBytes(r.array());
        }
        ByteBuffer e = le(22);
        e.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) (zip64 ? 0xFFFF : items.size())).putShort((short) (zip64 ? 0xFFFF : items.size()))
                .putInt(zip64 ? -1 : (int) cdSize).putInt(zip64 ? -1 : (int) cdStart).putShort((short) 0);
        out.writeBytes(e.array());
        return out.toByteArray();
    }

    static byte[] deflate(byte[] data) {
        return ZipDeflate.compress(data, Deflater.DEFAULT_COMPRESSION);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
