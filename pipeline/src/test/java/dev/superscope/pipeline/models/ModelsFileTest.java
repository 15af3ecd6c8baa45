package dev.superscope.pipeline.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.pipeline.Target;
import dev.superscope.plugins.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsFileTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("models.yaml"), text);
    }

    private String error(String text) throws IOException {
        Path f = yaml(text);
        BadInputException e = assertThrows(BadInputException.class, () -> ModelsFile.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void readsHubAndLocalEntries() throws IOException {
        Files.createDirectories(dir.resolve("ckpt"));
        ModelsFile f = ModelsFile.read(yaml("""
                models:
                  - {name: gpt2, family: gpt2, id: openai-community/gpt2, revision: abc}
                  - name: local
                    family: toy
                    path: ckpt
                    losses: {wiki: 3.25}
                """));
        assertEquals(2, f.models().size());
        assertEquals("openai-community/gpt2@abc", f.models().get(0).location());
        assertEquals(dir.resolve("ckpt").toString(), f.models().get(1).location());
        assertEquals(3.25, f.models().get(1).losses().get("wiki"));
    }

    @Test
    void anEntryMayNameATensorToAnalyseTransposedOrNot() throws IOException {
        Files.createDirectories(dir.resolve("ckpt"));
        ModelsFile f = ModelsFile.read(yaml("""
                models:
                  - {name: bert, family: bert, id: google-bert/bert-base-uncased, tensor: bert.embeddings.word_embeddings.weight}
                  - {name: head, family: toy, path: ckpt, tensor: out.weight, transpose: true}
                """));
        var targets = f.targets();
        assertEquals("bert.embeddings.word_embeddings.weight", targets.get(0).tensor());
        assertTrue(!targets.get(0).transpose());
        assertEquals("out.weight", targets.get(1).tensor());
        assertTrue(targets.get(1).transpose());
        assertEquals(null, targets.get(1).architecture());
        assertTrue(error("models:\n  - {name: a, family: f, id: o/a, transpose: true}\n")
                .contains("'transpose:' without 'tensor:'"));
        assertTrue(error("models:\n  - {name: a, family: f, id: o/a, tensor: w, transpose: yes please}\n")
                .contains("'transpose:' must be true or false"));
        assertTrue(error("models:\n  - {name: a, family: f, id: o/a, tensor: w, loader: gpt2}\n")
                .contains("both 'tensor:' and 'loader:'"));
    }

    @Test
    void theShippedModelsFileParses() {
        Path root = Path.of(System.getProperty("superscope.root", "..")).resolve("models.yaml");
        ModelsFile f = ModelsFile.read(root);
        assertEquals(27, f.models().size());
        assertEquals(4, f.models().stream().map(ModelsFile.Entry::family).distinct().count());
    }

    @Test
    void unknownKeysAreNamed() throws IOException {
        assertTrue(error("models:\n  - {name: a, family: f, id: o/a, colour: red}\n").contains("unknown key 'colour'"));
        assertTrue(error("modles: []\n").contains("unknown key 'modles'"));
    }

    @Test
    void duplicateNamesAndKeys() throws IOException {
        assertTrue(error("models:\n  - {name: a, family: f, id: o/a}\n  - {name: a, family: f, id: o/b}\n")
                .contains("duplicate model name 'a'"));
        assertTrue(error("models:\n  - name: a\n    name: b\n    family: f\n    id: o/a\n").contains("malformed YAML"));
    }

    @Test
    void missingFieldsAndPaths() throws IOException {
        assertTrue(error("models:\n  - {name: a, id: o/a}\n").contains("no 'family:'"));
        assertTrue(error("models:\n  - {name: a, family: f}\n").contains("exactly one of 'id:'"));
        assertTrue(error("models:\n  - {name: a, family: f, path: nowhere}\n").contains("does not exist"));
        assertTrue(error("models:\n  - {name: a, family: f, id: 'not an id'}\n").contains("malformed hub id"));
    }

    @Test
    void malformedYaml() throws IOException {
        assertTrue(error("models: [ {name: a\n").contains("malformed YAML"));
        assertTrue(error("- just a list\n").contains("expected a mapping"));
        assertTrue(error("models: []\n").contains("non-empty list"));
    }

    @Test
    void aSweepIsOneTargetPerRevision() throws IOException {
        ModelsFile f = ModelsFile.read(yaml("""
                models:
                  - name: pythia-70m
                    family: pythia
                    id: EleutherAI/pythia-70m
                    revisions: [step0, "step1..step4:x2", "step1000..step3000:1000"]
                  - {name: gpt2, family: gpt2, id: openai-community/gpt2, revision: main}
                  - {name: one, family: f, id: o/one, revisions: step7}
                """));
        List<Target> targets = f.targets();
        assertEquals(List.of("pythia-70m@step0", "pythia-70m@step1", "pythia-70m@step2", "pythia-70m@step4",
                "pythia-70m@step1000", "pythia-70m@step2000", "pythia-70m@step3000", "gpt2", "one@step7"),
                targets.stream().map(Target::name).toList());
        Target step2000 = targets.get(5);
        assertEquals("EleutherAI/pythia-70m@step2000", step2000.location());
        assertEquals("step2000", step2000.revision());
        assertEquals("pythia", step2000.family());
        assertEquals("openai-community/gpt2@main", targets.get(7).location());
        assertNull(targets.get(7).revision(), "a pinned revision is not a sweep's point");
    }

    @Test
    void sweepMistakesAreNamed() throws IOException {
        assertTrue(error("models:\n  - {name: a, family: f, id: o/a, revisions: ['step0..step1500:1000']}\n")
                .contains("model 'a': range 'step0..step1500:1000' does not reach step1500"));
        assertTrue(error("models:\n  - {name: a, family: f, id: o/a, revision: main, revisions: [step0]}\n")
                .contains("both 'revision:' and 'revisions:'"));
        assertTrue(error("models:\n  - {name: a, family: f, path: ., revisions: [step0]}\n")
                .contains("'revisions:' without 'id:'"));
        assertTrue(error("models:\n  - {name: a, family: f, id: o/a, revisions: [{x: 1}]}\n")
                .contains("must be a list of revisions"));
        assertTrue(error("models:\n  - {name: a, family: f, id: o/a, revisions: []}\n").contains("empty list"));
        assertTrue(error("models:\n  - {name: a@step1, family: f, id: o/b}\n  - {name: a, family: f, id: o/a, revisions: [step1]}\n")
                .contains("duplicate model name 'a@step1'"));
    }
}
