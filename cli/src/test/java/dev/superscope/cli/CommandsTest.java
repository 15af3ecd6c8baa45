package dev.superscope.cli;

import static dev.superscope.cli.Cli.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.plugins.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandsTest {
    @TempDir
    Path tmp;

    /** What {@code inspect --json} prints for the fixture checkpoint {@code name}, which it must open. */
    private static JsonNode inspectJson(String name) throws IOException {
        Cli r = Cli.run("inspect", Cli.checkpoint(name).toString(), "--json");
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void inspectJsonFollowsTheContract() throws IOException {
        JsonNode j = inspectJson("gpt2-m16");
        assertEquals("gpt2", j.get("loader").asText());
        assertEquals("GPT2LMHeadModel", j.get("architecture").asText());
        assertTrue(j.get("tied").asBoolean());
        assertEquals(16, j.get("tensors").size());
        assertEquals("transformer.wte.weight", j.get("unembedding").get("tensor").asText());
        assertEquals(50257, j.get("unembedding").get("n").asInt());
        assertEquals(16, j.get("embedding").get("m").asInt());
        assertEquals(50257, j.get("tokenizer_vocab").asInt());
        JsonNode first = j.get("tensors").get(0);
        assertEquals("F32", first.get("dtype").asText());
        assertTrue(first.get("shape").isArray());
    }

    @Test
    void inspectShowsUntiedPythiaHead() throws IOException {
        JsonNode j = inspectJson("gptneox-tiny");
        assertEquals("gpt_neox", j.get("loader").asText());
        assertFalse(j.get("tied").asBoolean());
        assertEquals("embed_out.weight", j.get("unembedding").get("tensor").asText());
        assertEquals("gpt_neox.embed_in.weight", j.get("embedding").get("tensor").asText());
        assertTrue(j.get("tokenizer_vocab").isNull());
    }

    @Test
    void evilPickleIsRefusedWithExitCode3() {
        Path evil = Cli.checkpoint("torch-bin").resolve("evil_torch.bin");
        assertOneLineError(Cli.run("inspect", evil.toString()), 3, "evil_torch.bin");
    }

    @Test
    void missingCheckpointIsBadInput() {
        assertOneLineError(Cli.run("inspect", tmp.resolve("nothing-here").toString()), 3);
    }

    @Test
    void unknownAnalyzerIsAUsageErrorListingTheKnownOnes() {
        Cli r = Cli.run("analyze", Cli.checkpoint("cerebras-gpt2-tiny").toString(), "--analyzers", "norms,frobnicate",
                "--out", tmp.toString());
        assertOneLineError(r, 2, "frobnicate", "overlap", "norms");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, Cli.run("inspect", "--colour").code());
        assertEquals(2, Cli.run("frobnicate").code());
    }

    @Test
    void pluginsListsEveryBuiltIn() {
        Cli r = Cli.run("plugins");
        assertEquals(0, r.code(), r.err());
        for (String name : new String[] {"gpt2", "opt", "gpt_neox", "llama", "norms", "overlap", "pairwise",
                "decode-error"}) {
            assertTrue(r.out().contains(" " + name + " "), name + " in:\n" + r.out());
        }
    }

    @Test
    void unsupportedArchitectureListsTheLoaders() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("falcon"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"falcon\", \"architectures\": [\"FalconForCausalLM\"]}");
        new SafetensorsWriter().floats("transformer.word_embeddings.weight", DType.F32, new long[] {4, 2},
                new float[] {1, 0, 0, 1, 1, 1, -1, 1}).write(dir.resolve("model.safetensors"));
        Cli r = Cli.run("analyze", dir.toString(), "--out", tmp.resolve("out").toString());
        assertOneLineError(r, 3, "falcon", "gpt2", "gpt_neox", "llama", "opt");
        assertFalse(Files.exists(tmp.resolve("out").resolve("models.csv")), "no report for a failed model");
    }

    /** The example BLOOM plugin, built to its own jar, is found through --plugin-path. */
    @Test
    void pluginPathPicksUpTheExampleArchitecture() throws IOException {
        Path plugins = ExamplePlugin.directory(tmp.resolve("plugins"));

        Path dir = Files.createDirectories(tmp.resolve("bloom-tiny"));
        Files.writeString(dir.resolve("config.json"),
                "{\"model_type\": \"bloom\", \"architectures\": [\"BloomForCausalLM\"], \"hidden_size\": 2, \"n_embed\": 2}");
        new SafetensorsWriter().floats("transformer.word_embeddings.weight", DType.F32, new long[] {3, 2},
                new float[] {1, 0, 0, 1, 1, 1}).write(dir.resolve("model.safetensors"));

        Cli without = Cli.run("inspect", dir.toString(), "--json");
        assertEquals(0, without.code(), "inspect still lists the tensors: " + without.err());
        assertTrue(new ObjectMapper().readTree(without.out()).get("loader").isNull());
        assertTrue(without.err().contains("no loader") && without.err().contains("bloom"), without.err());
        Cli listed = Cli.run("--plugin-path", plugins.toString(), "plugins");
        String bloom = listed.out().lines().filter(l -> l.contains(" bloom ")).findFirst().orElse("");
        assertTrue(bloom.contains("(+ forward)"), "bloom is listed with its forward pass:\n" + listed.out());
        Cli r = Cli.run("--plugin-path", plugins.toString(), "inspect", dir.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("bloom", j.get("loader").asText());
        assertEquals(3, j.get("unembedding").get("n").asInt());
    }
}
