package dev.superscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.SuperscopeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensCsvTest {

    @TempDir
    Path dir;

    private static AnalysisResult perToken(String analyzer, String column, double... values) {
        Map<String, double[]> columns = new LinkedHashMap<>();
        columns.put(column, values);
        return new AnalysisResult(analyzer, List.of(), columns, Map.of());
    }

    @Test
    void oneFilePerModelWithPrefixedColumnsPerMatrix() throws IOException {
        String[] tokens = {"hello", " the", "a,b", "say \"hi\"", "line\nbreak\r\n", "caf\u00e9 \u4e2d \ud83d\ude00"};
        Map<MatrixKind, List<AnalysisResult>> byMatrix = new LinkedHashMap<>();
        // Given embedding first: the file still puts the unembedding first.
        byMatrix.put(MatrixKind.EMBEDDING, List.of(perToken("norms", "norm", 1, 2, 3, 4, 5, 6, 7, 8)));
        byMatrix.put(MatrixKind.UNEMBEDDING, List.of(
                perToken("norms", "norm", 0.1, 0.2, Double.NaN, 0.4, 0.5, 1.0 / 3),
                perToken("overlap", "interference", 7, 8, 9, 10)));
        Path file = TokensCsv.fileFor(dir, "EleutherAI/pythia-70m");
        assertEquals(dir.resolve("tokens/EleutherAI--pythia-70m.csv"), file);
        // 8 rows, 6 tokens: ids 6 and 7 are padding, and the tokenizer is never asked about them.
        TokensCsv.write(file, 8, i -> tokens[i], OptionalInt.of(6), byMatrix);

        List<CSVRecord> records = read(file);
        assertEquals(List.of("id", "token", "padded", "unembedding_norm", "unembedding_interference", "embedding_norm"),
                records.get(0).toList());
        assertEquals(TokensCsv.columns(byMatrix), records.get(0).toList());
        assertEquals(9, records.size());
        for (int i = 0; i < 8; i++) {
            CSVRecord r = records.get(i + 1);
            assertEquals(Integer.toString(i), r.get(0));
            assertEquals(i < 6 ? tokens[i] : "", r.get(1), "token " + i + " survives quoting");
            assertEquals(i >= 6 ? "true" : "false", r.get(2));
        }
        assertEquals("", records.get(3).get(3), "NaN is an empty cell");
        assertEquals(1.0 / 3, Double.parseDouble(records.get(6).get(3)));
        assertEquals("", records.get(7).get(3), "a shorter column leaves its remaining cells empty");
        assertEquals("10.0", records.get(4).get(4));
        assertEquals("", records.get(5).get(4));
        assertEquals("8.0", records.get(8).get(5));
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertEquals(List.of(file), s.toList());
        }
    }

    @Test
    void idColumnsAreIntegersAndTheTokensTheyNameFollowThem() throws IOException {
        String[] tokens = {"a", "b", "c", "d"};
        Map<String, double[]> pairwise = new LinkedHashMap<>();
        pairwise.put("nearest_id", new double[] {2, 0, 0, 5, Double.NaN});
        pairwise.put("nearest_cos", new double[] {0.5, 0.25, 0.5, 0.125, Double.NaN});
        pairwise.put("collapsed_group_id", new double[] {Double.NaN, Double.NaN, Double.NaN, 3, Double.NaN});
        Map<String, double[]> decode = new LinkedHashMap<>();
        decode.put("decode_winner_id", new double[] {0, 0, 2, 3, Double.NaN});
        decode.put("decode_margin", new double[] {1.5, -0.5, 2, 1, Double.NaN});
        Map<MatrixKind, List<AnalysisResult>> byMatrix = Map.of(MatrixKind.UNEMBEDDING, List.of(
                new AnalysisResult("pairwise", List.of(), pairwise, Map.of()),
                new AnalysisResult("decode-error", List.of(), decode, Map.of())));
        Path file = TokensCsv.fileFor(dir, "m");
        // Rows 4 and 5: padding (4 tokens, 6 rows); row 3's nearest is the padding row 5, which has no text.
        TokensCsv.write(file, 6, i -> tokens[i], OptionalInt.of(4), byMatrix);
        List<CSVRecord> records = read(file);
        assertEquals(List.of("id", "token", "padded", "unembedding_nearest_id", "unembedding_nearest_token",
                "unembedding_nearest_cos", "unembedding_collapsed_group_id", "unembedding_decode_winner_id",
                "unembedding_decode_winner_token", "unembedding_decode_margin"), records.get(0).toList());
        assertEquals(TokensCsv.columns(byMatrix), records.get(0).toList());
        assertEquals(List.of("0", "a", "false", "2", "c", "0.5", "", "0", "a", "1.5"), records.get(1).toList());
        assertEquals(List.of("1", "b", "false", "0", "a", "0.25", "", "0", "a", "-0.5"), records.get(2).toList());
        assertEquals(List.of("3", "d", "false", "5", "", "0.125", "3", "3", "d", "1.0"), records.get(4).toList());
        assertEquals(List.of("4", "", "true", "", "", "", "", "", "", ""), records.get(5).toList());
        assertEquals(List.of("5", "", "true", "", "", "", "", "", "", ""), records.get(6).toList());
    }

    @Test
    void withoutATokenizerTokensAreEmptyAndNothingIsPadding() throws IOException {
        LoadedModel model = Rows.loaded(5, 3, true, OptionalInt.empty());
        Path file = TokensCsv.fileFor(dir, "tiny");
        TokensCsv.write(file, model, null, Map.of(MatrixKind.UNEMBEDDING, List.of(perToken("n", "norm", 1, 2, 3, 4, 5))));
        List<CSVRecord> records = read(file);
        assertEquals(6, records.size(), "one row per matrix row");
        assertEquals(List.of("4", "", "false", "5.0"), records.get(5).toList());
    }

    @Test
    void aLoneSurrogateInATokenDoesNotFailTheFile() throws IOException {
        Path file = dir.resolve("t.csv");
        TokensCsv.write(file, 2, i -> i == 0 ? "\ud83d" : null, OptionalInt.empty(), Map.of());
        List<CSVRecord> records = read(file);
        assertEquals("?", records.get(1).get(1));
        assertEquals("", records.get(2).get(1));
    }

    @Test
    void inconsistentColumnsAreErrors() {
        Path file = dir.resolve("t.csv");
        SuperscopeException tooLong = assertThrows(SuperscopeException.class, () -> TokensCsv.write(file, 2, null,
                OptionalInt.empty(), Map.of(MatrixKind.UNEMBEDDING, List.of(perToken("a", "norm", 1, 2, 3)))));
        assertTrue(tooLong.getMessage().contains("unembedding_norm has 3 values for 2 rows"), tooLong.getMessage());
        SuperscopeException disagree = assertThrows(SuperscopeException.class, () -> TokensCsv.write(file, 2, null,
                OptionalInt.empty(), Map.of(MatrixKind.EMBEDDING,
                        List.of(perToken("a", "norm", 1, 2), perToken("b", "norm", 1, 2.5)))));
        assertTrue(disagree.getMessage().contains("'a' and 'b' disagree on per-token column embedding_norm"));
        assertFalse(Files.exists(file));
        // The same column from two analyzers with the same values is written once.
        TokensCsv.write(file, 2, null, OptionalInt.empty(), Map.of(MatrixKind.EMBEDDING,
                List.of(perToken("a", "norm", 1, 2), perToken("b", "norm", 1, 2))));
        assertTrue(Files.exists(file));
    }

    @Test
    void safeFileNames() {
        assertEquals("EleutherAI--pythia-70m", FileNames.safe("EleutherAI/pythia-70m"));
        assertEquals("gpt2", FileNames.safe("gpt2"));
        assertEquals("_.--..--etc--passwd", FileNames.safe("../../etc/passwd"), "no path traversal, no hidden file");
        assertEquals("a_b_c_d", FileNames.safe("a b:c*d"));
        assertEquals("caf_", FileNames.safe("caf\u00e9"));
        assertEquals("_", FileNames.safe(""));
        assertEquals("_hidden", FileNames.safe(".hidden"));
        String longName = "org/" + "x".repeat(400);
        String safe = FileNames.safe(longName);
        assertEquals(150, safe.length());
        assertTrue(safe.matches("[A-Za-z0-9._-]+"));
        assertFalse(safe.equals(FileNames.safe(longName + "y")), "a hash keeps long names apart");
    }

    private static List<CSVRecord> read(Path file) throws IOException {
        try (CSVParser p = CSVParser.parse(file, StandardCharsets.UTF_8, CSVFormat.RFC4180)) {
            return p.getRecords();
        }
    }
}
