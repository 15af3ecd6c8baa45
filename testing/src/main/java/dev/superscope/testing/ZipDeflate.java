package dev.superscope.testing;

import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;

/** The tests' hand-built zip files: what a deflated entry (method 8) holds. */
public final class ZipDeflate {
    private ZipDeflate() {
    }

    /** {@code data} as a raw DEFLATE stream, with no zlib header, at {@code level} ({@link Deflater}'s levels). */
    public static byte[] compress(byte[] data, int level) {
        Deflater d = new Deflater(level, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }
}
