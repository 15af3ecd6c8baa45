package dev.superscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.plugins.DType;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ModelsCsv;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Pythia-shaped checkpoint (50304 rows for the 50277 ids of the real GPT-NeoX-20B tokenizer):
 * {@code --rows tokenizer} leaves the padding out, both matrices are measured, and the tokens file marks
 * padding and decodes real tokens with the model's own tokenizer.
 */
class PaddedRowsTest {
    static final int ROWS = 50304;
    static final int WIDTH = 4;

    @TempDir
    Path tmp;

    private Path pythiaShaped() throws IOException {
        Path tokenizer = Cli.fixtures().resolve("tokenizers/gptneox-20b/20B_tokenizer.json");
        Path dir = Files.createDirectories(tmp.resolve("pythia-tiny"));
        Files.copy(tokenizer, dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt_neox\", \"architectures\": "
                + "[\"GPTNeoXForCausalLM\"], \"hidden_size\": " + WIDTH + ", \"vocab_size\": " + ROWS + "}");
        Random random = new Random(7);
        float[] in = new float[ROWS * WIDTH];
        float[] out = new float[ROWS * WIDTH];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) random.nextGaussian();
            // Padding rows of the head are exactly zero, as in an untrained, zero-initialised row.
            out[i] = i / WIDTH >= 50277 ? 0f : (float) random.nextGaussian();
        }
        new SafetensorsWriter()
                .floats("gpt_neox.embed_in.weight", DType.F32, new long[] {ROWS, WIDTH}, in)
                .floats("embed_out.weight", DType.F32, new long[] {ROWS, WIDTH}, out)
                .write(dir.resolve("model.safetensors"));
        return dir;
    }

    @Test
    void tokenizerRowsLeaveThePaddingOut() throws IOException {
        Path dir = pythiaShaped();
        Path outAll = tmp.resolve("all");
        Cli all = Cli.run("analyze", dir.toString(), "--out", outAll.toString(), "--matrix", "both");
        assertEquals(0, all.code(), all.err());
        List<ModelResult> allRows = ModelsCsv.read(outAll.resolve("models.csv"));
        ModelResult head = allRows.stream().filter(r -> r.matrix().equals("unembedding")).findFirst().orElseThrow();
        assertEquals(ROWS, head.n());
        assertEquals(27, head.paddedRows());
        assertEquals(27, (int) head.metric("zero_rows"), "the zero padding rows are counted and excluded");

        Path outTok = tmp.resolve("tok");
        Cli tok = Cli.run("analyze", dir.toString(), "--out", outTok.toString(), "--matrix", "both",
                "--rows", "tokenizer");
        assertEquals(0, tok.code(), tok.err());
        List<ModelResult> rows = ModelsCsv.read(outTok.resolve("models.csv"));
        assertEquals(2, rows.size());
        for (ModelResult r : rows) {
            assertEquals(50277, r.n(), r.matrix());
            assertEquals("tokenizer", r.rowsUsed());
            assertEquals(50277, r.tokenizerVocab().getAsInt());
            assertEquals(0, (int) r.metric("zero_rows"));
            assertEquals(1.0 / WIDTH, r.metric("inv_m"));
        }
        // Without the zero rows, the head's overlap statistics are the same either way.
        ModelResult headTok = rows.stream().filter(r -> r.matrix().equals("unembedding")).findFirst().orElseThrow();
        assertEquals(head.metric("msq_overlap"), headTok.metric("msq_overlap"), 1e-9);

        try (Reader in = Files.newBufferedReader(outTok.resolve("tokens").resolve("pythia-tiny.csv"))) {
            List<CSVRecord> tokens = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                    .parse(in).getRecords();
            assertEquals(ROWS, tokens.size());
            assertEquals("false", tokens.get(50276).get("padded"));
            assertEquals("true", tokens.get(50277).get("padded"));
            assertEquals(" the", tokens.get(253).get("token"), "GPT-NeoX-20B id 253 is ' the'");
            assertTrue(tokens.get(0).isMapped("unembedding_norm") && tokens.get(0).isMapped("embedding_norm"));
        }
    }
}
