package dev.superscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.BadInputException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsCsvTest {

    @TempDir
    Path dir;

    /** The columns of the CLI contract in DESIGN.md, in order. */
    private static final List<String> CONTRACT = List.of("model", "family", "loader", "matrix", "tied", "n", "m",
            "dtype", "norm_mean", "norm_std", "norm_min", "norm_max", "norm_p50", "frac_represented",
            "msq_overlap", "msq_overlap_centered", "inv_m", "welch_bound", "msq_times_m", "m_eff",
            "m_eff_centered", "nonfinite_rows", "zero_rows", "mean_abs_overlap", "max_abs_overlap",
            "decode_error_rate");

    @Test
    void headerFollowsTheContractThenExtrasThenOtherMetricsSorted() throws IOException {
        ModelResult a = Rows.row("a", "f", "unembedding", 8, "msq_overlap", 0.1, "top1_error_wiki", 0.5);
        ModelResult b = Rows.row("b", "f", "unembedding", 8, "loss_wiki", 3.0, "norm_mean", 1.0);
        Path file = dir.resolve("models.csv");
        ModelsCsv.write(file, List.of(a, b));
        List<String> header;
        try (CSVParser p = CSVParser.parse(file, StandardCharsets.UTF_8, CSVFormat.RFC4180)) {
            header = p.iterator().next().toList();
        }
        List<String> expected = new ArrayList<>(CONTRACT);
        expected.addAll(List.of("hidden_size", "tokenizer_vocab", "padded_rows", "rows_used", "tensor",
                "architecture", "source", "revision", "precision", "loss_wiki", "top1_error_wiki"));
        assertEquals(expected, header);
        assertEquals(expected, ModelsCsv.columns(List.of(a, b)));
    }

    @Test
    void cellsAreExactNumbersEmptyForNaNAndIntegersForCounts() throws IOException {
        ModelResult r = Rows.row("a", "f", "unembedding", 768, "norm_mean", 1.0 / 3, "msq_overlap", Double.NaN,
                "zero_rows", 3.0, "nonfinite_rows", 0.0, "m_eff", 1e-7);
        String csv = print(List.of(r));
        Map<String, String> cells = firstRow(csv);
        assertEquals(Double.toString(1.0 / 3), cells.get("norm_mean"));
        assertEquals(1.0 / 3, Double.parseDouble(cells.get("norm_mean")));
        assertEquals("", cells.get("msq_overlap"));
        assertEquals("", cells.get("decode_error_rate"), "a metric no analyzer gave is an empty cell");
        assertEquals("3", cells.get("zero_rows"));
        assertEquals("0", cells.get("nonfinite_rows"));
        assertEquals("1000", cells.get("n"));
        assertEquals("768", cells.get("m"));
        assertEquals("true", cells.get("tied"));
        assertEquals(1e-7, Double.parseDouble(cells.get("m_eff")));
        assertEquals("990", cells.get("tokenizer_vocab"));
        assertTrue(csv.contains("\r\n"), "RFC 4180 records end with CRLF");
    }

    @Test
    void collapsedRowsAndGroupsAreCountsAmongTheSortedOtherMetrics() throws IOException {
        ModelResult r = Rows.row("a", "f", "unembedding", 16, "collapsed_rows", 260.0, "collapsed_groups", 3.0,
                "collapse_threshold", 0.99, "loss_pile", 3.5);
        List<String> columns = ModelsCsv.columns(List.of(r));
        int precision = columns.indexOf("precision");
        assertEquals(columns.indexOf("revision") + 1, precision, "precision is the last documented extra");
        assertEquals(List.of("collapse_threshold", "collapsed_groups", "collapsed_rows", "loss_pile"),
                columns.subList(precision + 1, columns.size()), "after the documented extras, sorted");
        Map<String, String> cells = firstRow(print(List.of(r)));
        assertEquals("260", cells.get("collapsed_rows"));
        assertEquals("3", cells.get("collapsed_groups"));
        assertEquals("0.99", cells.get("collapse_threshold"));
    }

    @Test
    void roundTripKeepsAwkwardNamesAndEveryBitOfEveryNumber() throws IOException {
        Random random = new Random(42);
        List<ModelResult> rows = new ArrayList<>();
        String[] names = {"EleutherAI/pythia-70m", "a,b", "say \"hi\"", "two\nlines", " padded ", "\u00e9\u4e2d\ud83d\ude00"};
        for (String name : names) {
            String revision = rows.size() % 2 == 0 ? "step" + rows.size() * 1000 : "";
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (String c : ModelsCsv.CORE_METRICS) {
                metrics.put(c, random.nextDouble() * Math.pow(10, random.nextInt(20) - 10));
            }
            metrics.put("msq_overlap_centered", Double.NaN);
            metrics.put("norm_min", Double.MIN_VALUE);
            metrics.put("norm_max", Double.MAX_VALUE);
            metrics.put("zero_rows", 17.0);
            metrics.put("loss_wiki,103", -0.0);
            rows.add(new ModelResult(name, "fam,\"ily\"", "gpt_neox", "embedding", false, 50304, 512, "BF16",
                    OptionalInt.empty(), OptionalInt.of(50277), 27, "tokenizer", "gpt_neox.embed_in.weight",
                    "GPTNeoXForCausalLM", "/tmp/x,y", revision, rows.size() % 3 == 0 ? "bf16" : "float32", metrics));
        }
        Path file = dir.resolve("models.csv");
        ModelsCsv.write(file, rows);
        List<ModelResult> back = ModelsCsv.read(file);
        assertEquals(rows.size(), back.size());
        for (int i = 0; i < rows.size(); i++) {
            ModelResult want = rows.get(i);
            ModelResult got = back.get(i);
            assertEquals(want.withMetrics(Map.of()), got.withMetrics(Map.of()), "identity of " + want.model());
            Set<String> names2 = new LinkedHashSet<>(want.metrics().keySet());
            names2.addAll(got.metrics().keySet());
            for (String metric : names2) {
                assertEquals(Double.doubleToLongBits(want.metric(metric)), Double.doubleToLongBits(got.metric(metric)),
                        metric + " of " + want.model());
            }
        }
        // Reading and writing again gives the same bytes: resuming never changes finished rows.
        Path again = dir.resolve("again.csv");
        ModelsCsv.write(again, back);
        assertEquals(Files.readString(file), Files.readString(again));
    }

    @Test
    void readsFilesWithoutTheExtraColumnsAndWithAByteOrderMark() throws IOException {
        String csv = "\uFEFFmodel,family,loader,matrix,tied,n,m,dtype,msq_overlap\n"
                + "gpt2,gpt2,gpt2,unembedding,TRUE,50257,768,F32,0.0013\n\n";
        List<ModelResult> rows = ModelsCsv.read(new StringReader(csv), Path.of("old.csv"));
        assertEquals(1, rows.size());
        assertEquals(0.0013, rows.get(0).metric("msq_overlap"));
        assertTrue(rows.get(0).tied());
        assertEquals(OptionalInt.empty(), rows.get(0).hiddenSize());
        assertEquals(0, rows.get(0).paddedRows());
    }

    @Test
    void badFilesFailWithOneLineNamingTheFile() throws IOException {
        String head = "model,family,loader,matrix,tied,n,m,dtype,msq_overlap\n";
        assertBad("", "empty");
        assertBad("model,family,matrix\n", "missing column(s) loader, tied, n, m, dtype");
        assertBad(head + "a,f,l,unembedding,true,10,4,F32,abc\n", "data row 1, msq_overlap: not a number: 'abc'");
        assertBad(head + "a,f,l,unembedding,yes,10,4,F32,1\n", "data row 1, tied: expected true or false");
        assertBad(head + "a,f,l,unembedding,true,10,4.5,F32,1\n", "data row 1, m: not a whole number");
        assertBad(head + "a,f,l,unembedding,true,10,4,F32\n", "data row 1 has 8 fields, the header has 9");
        assertBad(head + "a,f,l,unembedding,true,10,4,F32,1\na,f,l,unembedding,true,10,4,F32,2\n",
                "data row 2 repeats model 'a', matrix 'unembedding'");
        assertBad(head + "\"a,f,l,unembedding,true,10,4,F32,1\n", "malformed CSV");
        assertBad("model,model,family,loader,matrix,tied,n,m,dtype\n", "column 'model' twice");

        Path notUtf8 = dir.resolve("latin1.csv");
        Files.write(notUtf8, (head + "caf\u00e9,f,l,unembedding,true,10,4,F32,1\n").getBytes(StandardCharsets.ISO_8859_1));
        BadInputException e = assertThrows(BadInputException.class, () -> ModelsCsv.read(notUtf8));
        assertEquals(notUtf8, e.file());
        assertEquals("not UTF-8 text", e.reason());
        BadInputException missing = assertThrows(BadInputException.class, () -> ModelsCsv.read(dir.resolve("none.csv")));
        assertTrue(missing.getMessage().endsWith("no such file"));
    }

    private void assertBad(String csv, String reason) throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, csv);
        BadInputException e = assertThrows(BadInputException.class, () -> ModelsCsv.read(file), csv);
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.reason().contains(reason), e.reason());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private static String print(List<ModelResult> rows) throws IOException {
        StringBuilder b = new StringBuilder();
        ModelsCsv.print(b, rows);
        return b.toString();
    }

    private static Map<String, String> firstRow(String csv) throws IOException {
        try (CSVParser p = CSVParser.parse(csv, CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
            CSVRecord r = p.iterator().next();
            return r.toMap();
        }
    }
}
