package dev.superscope.checkpoints.torch;

import dev.superscope.plugins.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The directory of a zip file, read without {@link java.util.zip.ZipFile} because that class cannot say
 * where an entry's bytes start, and storages must be memory-mapped in place. Reads the end record (and
 * its ZIP64 form), the central directory (with ZIP64 extra fields) and each local header; every offset
 * and size is checked against the file before it is used. Small entries can be read whole (stored or
 * deflated, with a hard cap on what inflating may produce); large ones are meant to be mapped.
 */
final class ZipArchive {

    /**
     * One entry of the central directory, with the file offset where its data starts ({@code -1} until
     * its local header has been read, in an archive read with {@code eagerLocalHeaders} false; see
     * {@link ZipArchive#dataOffset}).
     */
    record Entry(String name, int method, long crc, long compressedSize, long size, long localHeaderOffset,
                 long dataOffset) {

        /** True for method 0 (stored), whose bytes can be mapped as they are. */
        boolean stored() {
            return method == METHOD_STORED;
        }
    }

    static final int METHOD_STORED = 0;
    static final int METHOD_DEFLATED = 8;

    /** Largest central directory read into memory; real checkpoints have a few hundred kilobytes. */
    static final long MAX_CENTRAL_DIRECTORY = 256L << 20;

    private static final int EOCD_SIGNATURE = 0x06054b50;
    private static final int EOCD_SIZE = 22;
    private static final int MAX_COMMENT = 0xFFFF;
    private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
    private static final int ZIP64_LOCATOR_SIZE = 20;
    private static final int ZIP64_EOCD_SIGNATURE = 0x06064b50;
    private static final int ZIP64_EOCD_SIZE = 56;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int CENTRAL_SIZE = 46;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int LOCAL_SIZE = 30;
    private static final int ZIP64_EXTRA_ID = 0x0001;
    private static final long U32_MAX = 0xFFFFFFFFL;
    private static final int U16_MAX = 0xFFFF;

    private final Reader reader;
    private final Path file;
    private final Map<String, Entry> entries;
    private final long cdOffset;

    private ZipArchive(Reader reader, Path file, Map<String, Entry> entries, long cdOffset) {
        this.reader = reader;
        this.file = file;
        this.entries = entries;
        this.cdOffset = cdOffset;
    }

    /**
     * Reads the directory of the zip open on {@code channel} (which the caller keeps and closes).
     *
     * @throws BadInputException when the file is not a well-formed single-disk, unencrypted zip
     */
    static ZipArchive read(FileChannel channel, Path file) {
        return read(RangeSource.of(channel, file), file, true);
    }

    /**
     * Reads the directory of the zip whose bytes {@code source} gives.
     *
     * @param eagerLocalHeaders true to read and check every entry's local header now (a local file);
     *                          false to do it for an entry only when {@link #dataOffset} is first asked
     *                          for it, so that a remote reader fetches the headers of just the entries it uses
     */
    static ZipArchive read(RangeSource source, Path file, boolean eagerLocalHeaders) {
        return new Reader(source, file, source.size(), eagerLocalHeaders).read();
    }

    /**
     * Where {@code e}'s data starts, reading and checking its local header (signature, name, and that
     * the data ends before the central directory) when that has not been done yet.
     */
    long dataOffset(Entry e) {
        return e.dataOffset() >= 0 ? e.dataOffset()
                : reader.dataOffset(e.name(), e.name().getBytes(StandardCharsets.UTF_8), e.localHeaderOffset(),
                e.compressedSize(), cdOffset);
    }

    /** Every entry, in central-directory order. */
    List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** The entry called {@code name}, or null. */
    Entry entry(String name) {
        return entries.get(name);
    }

    /**
     * The whole content of a small entry, stored or deflated, CRC-checked.
     *
     * @param cap most bytes the entry may hold; a larger declared size fails before anything is read,
     *            and inflating never produces more than the declared size
     */
    byte[] readSmall(Entry e, long cap) {
        if (e.size() > cap) {
            throw new BadInputException(file, "zip entry " + Text.clean(e.name()) + " declares " + e.size()
                    + " bytes, over the " + cap + "-byte limit for it");
        }
        byte[] out;
        if (e.method() == METHOD_STORED) {
            out = reader.source.read(dataOffset(e), (int) e.size());
        } else if (e.method() == METHOD_DEFLATED) {
            out = inflate(e);
        } else {
            throw new BadInputException(file, "zip entry " + Text.clean(e.name()) + " uses compression method "
                    + e.method() + "; only stored (0) and deflated (8) are supported");
        }
        CRC32 crc = new CRC32();
        crc.update(out);
        if (crc.getValue() != e.crc()) {
            throw new BadInputException(file, "zip entry " + Text.clean(e.name()) + " fails its CRC check (corrupt file)");
        }
        return out;
    }

    private byte[] inflate(Entry e) {
        // Deflate expands incompressible input by a few bytes per 16 KiB block; anything beyond that
        // is not a real stream for this size, and refusing it bounds what is read into memory.
        long plausible = e.size() + e.size() / 64 + 1024;
        if (e.compressedSize() > plausible) {
            throw new BadInputException(file, "zip entry " + Text.clean(e.name()) + " has " + e.compressedSize()
                    + " compressed bytes for " + e.size() + " declared (corrupt file)");
        }
        byte[] input = reader.source.read(dataOffset(e), (int) e.compressedSize());
        byte[] out = new byte[(int) e.size()];
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(input);
            int produced = 0;
            int stalls = 0;
            while (produced < out.length && !inflater.finished()) {
                int n = inflater.inflate(out, produced, out.length - produced);
                if (n == 0) {
                    if (inflater.needsInput() || inflater.needsDictionary() || ++stalls > 4) {
                        throw new BadInputException(file, "zip entry " + Text.clean(e.name())
                                + " has a truncated deflate stream (corrupt file)");
                    }
                }
                produced += n;
            }
            if (produced < out.length) {
                throw new BadInputException(file, "zip entry " + Text.clean(e.name()) + " inflates to " + produced
                        + " bytes, not the " + out.length + " it declares (corrupt file)");
            }
            if (!inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw new BadInputException(file, "zip entry " + Text.clean(e.name())
                        + " inflates past the " + out.length + " bytes it declares (a zip bomb?); refused");
            }
            return out;
        } catch (DataFormatException ex) {
            throw new BadInputException(file, "zip entry " + Text.clean(e.name()) + " has corrupt deflate data: "
                    + Text.clean(String.valueOf(ex.getMessage())), ex);
        } finally {
            inflater.end();
        }
    }

    /** {@code length} bytes at {@code position}, which the caller has checked lie inside the file. */
    static byte[] read(FileChannel channel, Path file, long position, int length) {
        ByteBuffer buf = ByteBuffer.allocate(length);
        try {
            while (buf.hasRemaining()) {
                int n = channel.read(buf, position + buf.position());
                if (n < 0) {
                    throw new BadInputException(file, "file ends at byte " + (position + buf.position())
                            + " while " + length + " bytes at " + position + " were expected (truncated?)");
                }
            }
        } catch (IOException e) {
            throw new BadInputException(file, "cannot read: " + e.getMessage(), e);
        }
        return buf.array();
    }

    /** The parsing state of one {@link #read} call. */
    private static final class Reader {
        private final RangeSource source;
        private final Path file;
        private final long fileSize;
        private final boolean eagerLocalHeaders;

        Reader(RangeSource source, Path file, long fileSize, boolean eagerLocalHeaders) {
            this.source = source;
            this.file = file;
            this.fileSize = fileSize;
            this.eagerLocalHeaders = eagerLocalHeaders;
        }

        ZipArchive read() {
            if (fileSize < EOCD_SIZE) {
                throw corrupt("only " + fileSize + " bytes, too short for a zip");
            }
            // Nearly every zip (torch's included) has no comment: its end record is the last 22 bytes,
            // read together with the ZIP64 locator before it. Only otherwise is the longest tail a
            // comment allows searched; both find the same record.
            int tailLength = (int) Math.min(fileSize, EOCD_SIZE + ZIP64_LOCATOR_SIZE);
            long tailStart = fileSize - tailLength;
            ByteBuffer tail = bytes(tailStart, tailLength);
            int last = tailLength - EOCD_SIZE;
            int at;
            if (tail.getInt(last) == EOCD_SIGNATURE && u16(tail, last + 20) == 0) {
                at = last;
            } else {
                tailLength = (int) Math.min(fileSize, EOCD_SIZE + MAX_COMMENT);
                tailStart = fileSize - tailLength;
                tail = bytes(tailStart, tailLength);
                at = findEndRecord(tail);
            }
            long eocd = tailStart + at;

            int disk = u16(tail, at + 4);
            int cdDisk = u16(tail, at + 6);
            long entriesOnDisk = u16(tail, at + 8);
            long count = u16(tail, at + 10);
            long cdSize = u32(tail, at + 12);
            long cdOffset = u32(tail, at + 16);
            long cdLimit = eocd;

            if (eocd >= ZIP64_LOCATOR_SIZE) {
                ByteBuffer locator = bytes(eocd - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE);
                if (locator.getInt(0) == ZIP64_LOCATOR_SIGNATURE) {
                    long z64 = locator.getLong(8);
                    if (locator.getInt(4) != 0 || locator.getInt(16) > 1) {
                        throw corrupt("multi-disk (split) zip archives are not supported");
                    }
                    if (z64 < 0 || z64 > eocd - ZIP64_LOCATOR_SIZE - ZIP64_EOCD_SIZE) {
                        throw corrupt("ZIP64 locator points to byte " + Long.toUnsignedString(z64)
                                + ", outside the file");
                    }
                    ByteBuffer rec = bytes(z64, ZIP64_EOCD_SIZE);
                    if (rec.getInt(0) != ZIP64_EOCD_SIGNATURE) {
                        throw corrupt("no ZIP64 end record where the locator points (byte " + z64 + ")");
                    }
                    disk = rec.getInt(16);
                    cdDisk = rec.getInt(20);
                    entriesOnDisk = rec.getLong(24);
                    count = rec.getLong(32);
                    cdSize = rec.getLong(40);
                    cdOffset = rec.getLong(48);
                    cdLimit = z64;
                }
            }
            if (disk != 0 || cdDisk != 0) {
                throw corrupt("multi-disk (split) zip archives are not supported");
            }
            if (count != entriesOnDisk) {
                throw corrupt("end record counts " + entriesOnDisk + " entries on this disk but " + count + " in all");
            }
            if (cdSize < 0 || cdOffset < 0 || cdOffset > cdLimit || cdSize > cdLimit - cdOffset) {
                throw corrupt("central directory (" + Long.toUnsignedString(cdSize) + " bytes at "
                        + Long.toUnsignedString(cdOffset) + ") lies outside the file");
            }
            if (cdSize > MAX_CENTRAL_DIRECTORY) {
                throw corrupt("central directory of " + cdSize + " bytes exceeds the " + MAX_CENTRAL_DIRECTORY
                        + "-byte limit");
            }
            if (count < 0 || count > cdSize / CENTRAL_SIZE) {
                throw corrupt("end record claims " + Long.toUnsignedString(count) + " entries in a "
                        + cdSize + "-byte central directory");
            }
            return new ZipArchive(this, file, entries(bytes(cdOffset, (int) cdSize), (int) count, cdOffset), cdOffset);
        }

        /** The end record is the last signature whose comment length reaches exactly to the end of the file. */
        private int findEndRecord(ByteBuffer tail) {
            for (int i = tail.capacity() - EOCD_SIZE; i >= 0; i--) {
                if (tail.getInt(i) == EOCD_SIGNATURE && i + EOCD_SIZE + u16(tail, i + 20) == tail.capacity()) {
                    return i;
                }
            }
            throw corrupt("no end-of-central-directory record (not a zip file, or truncated)");
        }

        private Map<String, Entry> entries(ByteBuffer cd, int count, long cdOffset) {
            Map<String, Entry> out = new LinkedHashMap<>();
            int p = 0;
            for (int k = 0; k < count; k++) {
                if (cd.capacity() - p < CENTRAL_SIZE || cd.getInt(p) != CENTRAL_SIGNATURE) {
                    throw corrupt("central directory entry " + k + " of " + count + " is missing or damaged");
                }
                int flags = u16(cd, p + 8);
                int method = u16(cd, p + 10);
                long crc = u32(cd, p + 16);
                long compressed = u32(cd, p + 20);
                long size = u32(cd, p + 24);
                int nameLength = u16(cd, p + 28);
                int extraLength = u16(cd, p + 30);
                int commentLength = u16(cd, p + 32);
                int diskStart = u16(cd, p + 34);
                long localOffset = u32(cd, p + 42);
                int next = p + CENTRAL_SIZE + nameLength + extraLength + commentLength;
                if (next > cd.capacity()) {
                    throw corrupt("central directory entry " + k + " runs past the directory's end");
                }
                byte[] nameBytes = new byte[nameLength];
                cd.get(p + CENTRAL_SIZE, nameBytes);
                String name = name(nameBytes);

                // ZIP64: the extra field holds, in this order, each value saturated above.
                boolean needSize = size == U32_MAX;
                boolean needCompressed = compressed == U32_MAX;
                boolean needOffset = localOffset == U32_MAX;
                boolean needDisk = diskStart == U16_MAX;
                int x = p + CENTRAL_SIZE + nameLength;
                int extraEnd = x + extraLength;
                while (x + 4 <= extraEnd) {
                    int id = u16(cd, x);
                    int length = u16(cd, x + 2);
                    int data = x + 4;
                    if (data + length > extraEnd) {
                        throw corrupt("entry " + Text.clean(name) + " has an extra field running past its end");
                    }
                    if (id == ZIP64_EXTRA_ID) {
                        int q = data;
                        if (needSize) {
                            size = zip64Value(cd, q, data + length, name);
                            q += 8;
                            needSize = false;
                        }
                        if (needCompressed) {
                            compressed = zip64Value(cd, q, data + length, name);
                            q += 8;
                            needCompressed = false;
                        }
                        if (needOffset) {
                            localOffset = zip64Value(cd, q, data + length, name);
                            q += 8;
                            needOffset = false;
                        }
                        if (needDisk) {
                            if (q + 4 > data + length) {
                                throw corrupt("entry " + Text.clean(name) + " has a short ZIP64 extra field");
                            }
                            diskStart = cd.getInt(q);
                            needDisk = false;
                        }
                    }
                    x = data + length;
                }
                if (needSize || needCompressed || needOffset || needDisk) {
                    throw corrupt("entry " + Text.clean(name) + " has ZIP64 placeholder values but no ZIP64 extra field");
                }
                if (diskStart != 0) {
                    throw corrupt("multi-disk (split) zip archives are not supported");
                }
                if ((flags & 1) != 0) {
                    throw corrupt("entry " + Text.clean(name) + " is encrypted");
                }
                if (method == METHOD_STORED && compressed != size) {
                    throw corrupt("stored entry " + Text.clean(name) + " has compressed size " + compressed
                            + " but size " + size);
                }
                if (!eagerLocalHeaders) {
                    // the check dataOffset makes first, kept at directory time for a lazy reader too
                    checkLocalHeaderInDataArea(name, localOffset, cdOffset);
                }
                long dataOffset = eagerLocalHeaders ? dataOffset(name, nameBytes, localOffset, compressed, cdOffset) : -1;
                Entry e = new Entry(name, method, crc, compressed, size, localOffset, dataOffset);
                if (out.putIfAbsent(name, e) != null) {
                    throw corrupt("entry " + Text.clean(name) + " appears twice");
                }
                p = next;
            }
            return Collections.unmodifiableMap(out);
        }

        private long zip64Value(ByteBuffer cd, int at, int end, String name) {
            if (at + 8 > end) {
                throw corrupt("entry " + Text.clean(name) + " has a short ZIP64 extra field");
            }
            long v = cd.getLong(at);
            if (v < 0) {
                throw corrupt("entry " + Text.clean(name) + " has a ZIP64 value beyond 2^63");
            }
            return v;
        }

        /** Reads the local header to learn where the data starts; checks the data ends before the directory. */
        private long dataOffset(String name, byte[] nameBytes, long localOffset, long compressed, long cdOffset) {
            checkLocalHeaderInDataArea(name, localOffset, cdOffset);
            // The fixed header and the name it should carry, in one read (one request when remote).
            ByteBuffer local = bytes(localOffset, (int) Math.min(LOCAL_SIZE + nameBytes.length, cdOffset - localOffset));
            if (local.getInt(0) != LOCAL_SIGNATURE) {
                throw corrupt("no local header for entry " + Text.clean(name) + " at byte " + localOffset);
            }
            int nameLength = u16(local, 26);
            int extraLength = u16(local, 28);
            long dataOffset = localOffset + LOCAL_SIZE + nameLength + extraLength;
            if (dataOffset > cdOffset || compressed > cdOffset - dataOffset) {
                throw corrupt("data of entry " + Text.clean(name) + " (" + compressed + " bytes at " + dataOffset
                        + ") runs past the data area (central directory starts at " + cdOffset + ")");
            }
            if (nameLength != nameBytes.length || !local.slice(LOCAL_SIZE, nameLength).equals(ByteBuffer.wrap(nameBytes))) {
                throw corrupt("local header of entry " + Text.clean(name) + " names a different entry");
            }
            return dataOffset;
        }

        /** Refuses a local header that would not fit before the central directory. */
        private void checkLocalHeaderInDataArea(String name, long localOffset, long cdOffset) {
            if (localOffset > cdOffset - LOCAL_SIZE) {
                throw corrupt("entry " + Text.clean(name) + " has its local header at byte " + localOffset
                        + ", outside the data area (central directory starts at " + cdOffset + ")");
            }
        }

        private String name(byte[] bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw corrupt("an entry name is not valid UTF-8");
            }
        }

        private ByteBuffer bytes(long position, int length) {
            return ByteBuffer.wrap(source.read(position, length)).order(ByteOrder.LITTLE_ENDIAN);
        }

        private BadInputException corrupt(String reason) {
            return new BadInputException(file, "corrupt zip: " + reason);
        }
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xFFFF;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & U32_MAX;
    }
}
