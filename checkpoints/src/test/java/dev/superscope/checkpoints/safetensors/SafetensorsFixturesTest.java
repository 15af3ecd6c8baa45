package dev.superscope.checkpoints.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.superscope.testing.Fixtures;
import dev.superscope.testing.TestModels;
import dev.superscope.plugins.DType;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real files in the shared fixtures (written by transformers and the safetensors library) against
 * what their PROVENANCE.md says: tensors, dtypes, shapes, offsets, header length, metadata and the
 * row-norm mean of the unembedding, computed in float64 by numpy.
 */
class SafetensorsFixturesTest {
    private static final Pattern SECTION = Pattern.compile("^## Tensors in `([^`]+)`");
    private static final Pattern HEADER = Pattern.compile(
            "^- header length: (\\d+) bytes; `__metadata__`: `(.*)`$");
    private static final Pattern ROW = Pattern.compile(
            "^\\| `([^`]+)` \\| (\\w+) \\| \\[([^\\]]*)\\] \\| \\[(\\d+), (\\d+)\\] \\|$");
    private static final Pattern STATS = Pattern.compile("^## Unembedding statistics: `([^`]+)` :: `([^`]+)`");
    private static final Pattern NORM_MEAN = Pattern.compile("row L2 norm: mean=([0-9.eE+-]+)");

    @TempDir
    Path dir;

    /** What PROVENANCE.md records about one file. */
    private static final class Documented {
        long headerLength = -1;
        Map<String, String> metadata;
        final List<Object[]> rows = new ArrayList<>();
        String statsTensor;
        double normMean = Double.NaN;
    }

    @Test
    void gpt2M16MatchesItsProvenance() {
        Path file = Fixtures.checkpoint("gpt2-m16").resolve("model.safetensors");
        try (SafetensorsStore store = SafetensorsStore.open(file)) {
            assertEquals(1456, store.headerLength());
            assertEquals(Map.of("format", "pt"), store.metadata());
            assertEquals(16, store.tensors().size());
            TensorInfo wte = store.find("transformer.wte.weight").orElseThrow();
            assertEquals(DType.F32, wte.dtype());
            assertArrayEquals(new long[] {50257, 16}, wte.shape());
            assertEquals(0.0785750855, TestModels.meanRowNorm(store.matrix("transformer.wte.weight")), 0.0785750855 * 1e-6);
        }
    }

    @Test
    void smollm2IsBf16Throughout() {
        Path file = Fixtures.checkpoint("smollm2-bf16-tiny").resolve("model.safetensors");
        try (SafetensorsStore store = SafetensorsStore.open(file)) {
            assertEquals(1920, store.headerLength());
            assertEquals(Map.of(), store.metadata());
            assertEquals(20, store.tensors().size());
            assertTrue(store.tensors().stream().allMatch(t -> t.dtype() == DType.BF16));
            Matrix embed = store.matrix("model.embed_tokens.weight");
            assertEquals(12, embed.rows());
            assertEquals(8, embed.cols());
            assertEquals(0.185056082, TestModels.meanRowNorm(embed), 0.185056082 * 1e-6);
            // Every decoded BF16 value is exactly a float32 whose low 16 bits are zero.
            for (float v : embed.rowsAsFloats(0, 12)) {
                assertEquals(0, Float.floatToRawIntBits(v) & 0xFFFF);
            }
        }
    }

    /** Every *.safetensors fixture against its PROVENANCE.md tables, whatever checkpoint it belongs to. */
    @Test
    void everyFixtureMatchesItsProvenanceTables() throws IOException {
        List<Path> files = allFixtureFiles();
        assertTrue(files.size() >= 8, "expected the 8 safetensors fixtures, found " + files);
        int tensorsChecked = 0;
        for (Path file : files) {
            Documented doc = documented(file);
            assertTrue(doc.headerLength > 0, "PROVENANCE.md documents " + file);
            try (SafetensorsStore store = SafetensorsStore.open(file)) {
                assertEquals(doc.headerLength, store.headerLength(), file.toString());
                assertEquals(doc.metadata, store.metadata(), file.toString());
                assertEquals(doc.rows.size(), store.tensors().size(), file.toString());
                for (Object[] row : doc.rows) {
                    String name = (String) row[0];
                    SafetensorsHeader.Entry e = store.header().entry(name).orElseThrow();
                    assertEquals(row[1], e.dtype().name(), name);
                    assertArrayEquals((long[]) row[2], e.shape(), name);
                    assertEquals((long) row[3], e.begin(), name);
                    assertEquals((long) row[4], e.end(), name);
                    tensorsChecked++;
                }
                if (doc.statsTensor != null) {
                    double mean = TestModels.meanRowNorm(store.matrix(doc.statsTensor));
                    assertEquals(doc.normMean, mean, Math.abs(doc.normMean) * 1e-6, file + " " + doc.statsTensor);
                }
            }
        }
        assertTrue(tensorsChecked > 100, "checked " + tensorsChecked + " tensors");
    }

    /**
     * Rewriting every fixture's tensors and metadata through our writer reproduces the file byte for
     * byte: the layout and header really are the Python library's.
     */
    @Test
    void theWriterReproducesEveryFixtureByteForByte() throws IOException {
        for (Path file : allFixtureFiles()) {
            Path copy = dir.resolve(file.getFileName());
            try (SafetensorsStore store = SafetensorsStore.open(file)) {
                SafetensorsWriter writer = new SafetensorsWriter().metadata(store.metadata());
                for (SafetensorsHeader.Entry e : store.header().entries()) {
                    ByteBuffer bytes = store.bytes(e.name());
                    writer.tensor(e.name(), e.dtype(), e.shape(), bytes);
                }
                writer.write(copy);
            }
            assertEquals(-1, Files.mismatch(file, copy), "rewritten " + file + " differs");
        }
    }

    private static List<Path> allFixtureFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(Fixtures.root().resolve("checkpoints"))) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
    }

    /**
     * Parses the section of PROVENANCE.md that documents {@code file}. Sections name the file either
     * exactly or by its shard suffix ({@code model-00001-of-00002.safetensors} documents
     * {@code tiny_llama-00001-of-00002.safetensors}).
     */
    @SuppressWarnings("unchecked")
    private static Documented documented(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file.resolveSibling("PROVENANCE.md"));
        Documented doc = new Documented();
        boolean inSection = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher section = SECTION.matcher(line);
            Matcher stats = STATS.matcher(line);
            if (section.find()) {
                inSection = documents(section.group(1), file);
            } else if (stats.find()) {
                inSection = false;
                if (documents(stats.group(1), file)) {
                    doc.statsTensor = stats.group(2);
                    for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("## "); j++) {
                        Matcher mean = NORM_MEAN.matcher(lines.get(j));
                        if (mean.find()) {
                            doc.normMean = Double.parseDouble(mean.group(1));
                        }
                    }
                }
            } else if (line.startsWith("## ")) {
                inSection = false;
            } else if (inSection) {
                Matcher header = HEADER.matcher(line);
                Matcher row = ROW.matcher(line);
                if (header.find()) {
                    doc.headerLength = Long.parseLong(header.group(1));
                    Object meta = new ObjectMapper().readValue(header.group(2), Object.class);
                    doc.metadata = meta == null ? Map.of() : new LinkedHashMap<>((Map<String, String>) meta);
                } else if (row.find()) {
                    String dims = row.group(3).trim();
                    long[] shape = dims.isEmpty() ? new long[0]
                            : Stream.of(dims.split(",")).mapToLong(s -> Long.parseLong(s.trim())).toArray();
                    doc.rows.add(new Object[] {row.group(1), row.group(2), shape,
                            Long.parseLong(row.group(4)), Long.parseLong(row.group(5))});
                }
            }
        }
        return doc;
    }

    private static boolean documents(String documentedName, Path file) {
        String actual = file.getFileName().toString();
        if (documentedName.equals(actual)) {
            return true;
        }
        int dash = documentedName.indexOf('-');
        return dash > 0 && documentedName.matches(".*-\\d{5}-of-\\d{5}\\.safetensors")
                && actual.endsWith(documentedName.substring(dash));
    }
}
