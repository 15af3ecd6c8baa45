package dev.superscope.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A float32 {@code .safetensors} file written by hand, independently of the project's own writer, so that
 * the reader is tested on bytes it did not produce: an 8-byte little-endian header length, the JSON header
 * ({@code __metadata__} {@code {"format": "pt"}}, then each tensor's dtype, shape and data offsets) padded
 * with spaces to a multiple of 8, then the tensors' bytes in header order.
 */
public final class SafetensorsFile {
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, float[]> values = new LinkedHashMap<>();

    /** Adds a float32 tensor of {@code data} (row-major; as many values as the shape holds). */
    public SafetensorsFile add(String name, long[] shape, float[] data) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count != data.length) {
            throw new IllegalArgumentException(name + ": " + data.length + " values for " + count + " elements");
        }
        shapes.put(name, shape.clone());
        values.put(name, data);
        return this;
    }

    /** Writes the file. */
    public void write(Path file) throws IOException {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long bytes = values.get(e.getKey()).length * 4L;
            header.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":[");
            long[] shape = e.getValue();
            for (int d = 0; d < shape.length; d++) {
                header.append(d == 0 ? "" : ",").append(shape[d]);
            }
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        while (header.length() % 8 != 0) {
            header.append(' ');
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + json.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json);
        for (float[] data : values.values()) {
            for (float v : data) {
                out.putFloat(v);
            }
        }
        Files.write(file, out.array());
    }
}
