package dev.superscope.plugins;

import dev.superscope.plugins.architecture.Architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginsTest {

    record NamedArchitecture(String name, String modelType) implements Architecture {
        @Override
        public String description() {
            return "test loader " + name;
        }

        @Override
        public boolean accepts(ModelConfig config) {
            return config.modelType().equals(modelType);
        }

        @Override
        public LoadedModel load(Checkpoint checkpoint) {
            throw new UnsupportedOperationException();
        }
    }

    private static ModelConfig config(String modelType) {
        return new ModelConfig(Map.of("model_type", modelType), Path.of("config.json"));
    }

    @Test
    void findsTheOneLoaderThatAccepts() {
        NamedArchitecture gpt2 = new NamedArchitecture("gpt2", "gpt2");
        Plugins p = Plugins.of(List.of(new NamedArchitecture("opt", "opt"), gpt2), List.of(), List.of());
        assertSame(gpt2, p.architectureFor(config("gpt2")));
        assertEquals(List.of("gpt2", "opt"), List.copyOf(p.architectures().keySet()), "sorted by name");
    }

    @Test
    void unsupportedArchitectureListsTheLoaders() {
        Plugins p = Plugins.of(List.of(new NamedArchitecture("opt", "opt"), new NamedArchitecture("gpt2", "gpt2")), List.of(), List.of());
        BadInputException e = assertThrows(BadInputException.class, () -> p.architectureFor(config("falcon")));
        assertTrue(e.getMessage().contains("\"falcon\""), e.getMessage());
        assertTrue(e.getMessage().contains("gpt2, opt"), e.getMessage());
        assertEquals(3, e.exitCode());
    }

    @Test
    void twoAcceptingLoadersAreAnError() {
        Plugins p = Plugins.of(List.of(new NamedArchitecture("a", "x"), new NamedArchitecture("b", "x")), List.of(), List.of());
        BadInputException e = assertThrows(BadInputException.class, () -> p.architectureFor(config("x")));
        assertTrue(e.getMessage().contains("a, b") && e.getMessage().contains("--loader"), e.getMessage());
    }

    @Test
    void duplicateNamesAreAnErrorNamingBothClasses() {
        SuperscopeException e = assertThrows(SuperscopeException.class,
                () -> Plugins.of(List.of(new NamedArchitecture("gpt2", "a"), new NamedArchitecture("gpt2", "b")), List.of(), List.of()));
        assertTrue(e.getMessage().contains("two architectures are named \"gpt2\""), e.getMessage());
        assertTrue(e.getMessage().contains(NamedArchitecture.class.getName()), e.getMessage());
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        Plugins p = Plugins.of(List.of(new NamedArchitecture("opt", "opt"), new NamedArchitecture("gpt2", "gpt2")), List.of(), List.of());
        SuperscopeException e = assertThrows(SuperscopeException.class, () -> p.architecture("bloom"));
        assertEquals(SuperscopeException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("known architectures: gpt2, opt"), e.getMessage());
        SuperscopeException a = assertThrows(SuperscopeException.class, () -> p.analyzer("overlap"));
        assertTrue(a.getMessage().contains("unknown analyzer \"overlap\""), a.getMessage());
    }

    @Test
    void pluginPathMustHoldJars(@TempDir Path dir) {
        SuperscopeException e = assertThrows(SuperscopeException.class, () -> Plugins.discover(dir));
        assertTrue(e.getMessage().contains("no .jar"), e.getMessage());
        SuperscopeException missing = assertThrows(SuperscopeException.class,
                () -> Plugins.discover(dir.resolve("absent")));
        assertTrue(missing.getMessage().contains("not a directory"), missing.getMessage());
    }
}
