package dev.superscope.cli;

import static dev.superscope.cli.Cli.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ModelsCsv;
import dev.superscope.testing.EncoderCheckpoints;
import dev.superscope.testing.EncoderCheckpoints.Family;
import dev.superscope.testing.EncoderCheckpoints.Layout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BERT-family checkpoints on the command line: a masked LM is analysed with its tied decoder and its
 * WordPiece token strings; a bare encoder has only an embedding, and asking for its LM head says so in
 * one line; there is no forward pass for logits.
 */
class EncoderCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aBertMaskedLmIsAnalysedWithItsTiedDecoderAndWordPieceTokens() throws IOException {
        Path bert = EncoderCheckpoints.write(tmp.resolve("bert"), Family.BERT, Layout.MASKED_LM_TIED);
        Path out = tmp.resolve("out");
        Cli r = Cli.run("analyze", bert.toString(), "--out", out.toString(), "--matrix", "both");
        assertEquals(0, r.code(), r.err());
        List<ModelResult> rows = ModelsCsv.read(out.resolve("models.csv"));
        assertEquals(2, rows.size());
        for (ModelResult row : rows) {
            assertEquals("bert", row.loader());
            assertEquals("BertForMaskedLM", row.architecture());
            assertTrue(row.tied());
            assertEquals("bert.embeddings.word_embeddings.weight", row.tensor());
            assertEquals(30522, row.n());
            assertEquals(8, row.m());
        }
        assertEquals(rows.get(0).metric("msq_overlap"), rows.get(1).metric("msq_overlap"), "one tensor, one measurement");
        try (CSVParser csv = CSVParser.parse(out.resolve("tokens/bert.csv"), java.nio.charset.StandardCharsets.UTF_8,
                CSVFormat.RFC4180)) {
            List<CSVRecord> records = csv.getRecords();
            assertEquals(30523, records.size());
            assertEquals("[PAD]", records.get(1).get(1));
            assertEquals("[unused0]", records.get(2).get(1));
            assertEquals("##ing", records.get(2076).get(1), "word pieces as vocab.txt writes them");
        }
        Cli inspect = Cli.run("inspect", bert.toString(), "--json");
        JsonNode j = new ObjectMapper().readTree(inspect.out());
        assertEquals("bert", j.get("loader").asText());
        assertEquals("bert.embeddings.word_embeddings.weight", j.get("unembedding").get("tensor").asText());
        assertEquals(30522, j.get("tokenizer_vocab").asInt());
    }

    @Test
    void aBareEncoderHasOnlyItsEmbedding() throws IOException {
        Path bare = EncoderCheckpoints.write(tmp.resolve("minilm-like"), Family.BERT, Layout.BARE);
        Path out = tmp.resolve("out");
        assertOneLineError(Cli.run("analyze", bare.toString(), "--out", out.toString()), 3, bare.toString(),
                "no LM head", "BertModel", "--matrix embedding");
        Cli embedding = Cli.run("analyze", bare.toString(), "--out", out.toString(), "--matrix", "embedding");
        assertEquals(0, embedding.code(), embedding.err());
        Cli both = Cli.run("analyze", bare.toString(), "--out", out.toString(), "--matrix", "both");
        assertEquals(0, both.code(), both.err());
        assertTrue(both.err().contains("measuring the embedding only"), both.err());
        List<ModelResult> rows = ModelsCsv.read(out.resolve("models.csv"));
        assertEquals(1, rows.size());
        assertEquals("embedding", rows.get(0).matrix());
        assertEquals("embeddings.word_embeddings.weight", rows.get(0).tensor());
        assertTrue(!rows.get(0).tied());

        Cli inspect = Cli.run("inspect", bare.toString());
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.out().contains("unembedding   (none: holds no LM head"), inspect.out());
        JsonNode j = new ObjectMapper().readTree(Cli.run("inspect", bare.toString(), "--json").out());
        assertTrue(j.get("unembedding").isNull());
        assertEquals("embeddings.word_embeddings.weight", j.get("embedding").get("tensor").asText());
        assertOneLineError(Cli.run("collisions", bare.toString()), 3, "--matrix embedding");
    }

    @Test
    void distilBertAndRobertaAreDetectedToo() throws IOException {
        for (Family family : new Family[] {Family.DISTILBERT, Family.ROBERTA}) {
            Path dir = EncoderCheckpoints.write(tmp.resolve(family.name()), family, Layout.MASKED_LM_UNTIED);
            JsonNode j = new ObjectMapper().readTree(Cli.run("inspect", dir.toString(), "--json").out());
            assertEquals(family.name().toLowerCase(), j.get("loader").asText());
            assertEquals(family.decoder, j.get("unembedding").get("tensor").asText());
            assertTrue(!j.get("tied").asBoolean());
        }
    }

    @Test
    void logitsNeedAForwardPassThatEncodersDoNotHave() {
        Path bert = EncoderCheckpoints.write(tmp.resolve("bert"), Family.BERT, Layout.MASKED_LM_TIED);
        assertOneLineError(Cli.run("logits", bert.toString(), "--ids", "101,1996,102"), 3, "no forward pass", "bert");
    }
}
