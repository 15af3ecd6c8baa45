package dev.superscope.examples.bloom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.CheckpointOpener;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.architecture.Architecture;
import dev.superscope.plugins.architecture.ForwardModel;
import dev.superscope.plugins.architecture.ForwardPrecision;
import dev.superscope.plugins.architecture.ForwardSettings;
import dev.superscope.plugins.Plugins;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example is picked up from a {@code --plugin-path} directory: its compiled classes are packed
 * into a jar, and that jar is loaded over a parent class loader that sees what the Superscope runtime
 * supplies (the plugin API, the PyTorch backend and DJL) and nothing else, so the architecture can only
 * have come from the jar.
 */
class PluginPathTest {
    @TempDir
    Path pluginDir;

    /**
     * Sees the packages the Superscope runtime supplies (shared with this test, so objects cross over) and
     * the JDK; not target/classes, and no services files.
     */
    private static final class RuntimeOnly extends ClassLoader {
        private static final List<String> SUPPLIED = List.of("dev.superscope.plugins.",
                "dev.superscope.backend.torch.", "ai.djl.");

        RuntimeOnly() {
            super("superscope-runtime-only", ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (SUPPLIED.stream().anyMatch(name::startsWith)) {
                return Architecture.class.getClassLoader().loadClass(name);
            }
            throw new ClassNotFoundException(name);
        }
    }

    @Test
    void theJarInThePluginDirectoryProvidesTheBloomArchitecture() throws IOException, URISyntaxException {
        ClassLoader runtime = new RuntimeOnly();
        assertEquals(List.of(), List.copyOf(Plugins.discover(runtime).architectures().keySet()),
                "without the jar no architecture is visible");

        Path classes = Path.of(BloomArchitecture.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        jar(classes, pluginDir.resolve("bloom-architecture.jar"));
        ClassLoader withJar = Plugins.classLoaderFor(pluginDir, runtime);
        Plugins plugins = Plugins.discover(withJar);

        assertEquals(List.of("bloom"), List.copyOf(plugins.architectures().keySet()));
        Architecture bloom = plugins.architecture("bloom");
        assertSame(withJar, bloom.getClass().getClassLoader(), "loaded from the jar");
        assertNotSame(BloomArchitecture.class, bloom.getClass());

        ModelConfig config = new ModelConfig(BloomCheckpoints.config(), Path.of("config.json"));
        assertSame(bloom, plugins.architectureFor(config));
        Matrix emb = BloomCheckpoints.matrix("transformer.word_embeddings.weight", 12, 4, 5);
        LoadedModel m = bloom.load(BloomCheckpoints.checkpoint(BloomCheckpoints.config(), emb));
        assertSame(emb, m.unembedding());
        assertTrue(m.tied());
        assertEquals(4, m.hiddenSize());
        assertTrue(bloom.hasForwardPass());
    }

    /** The jar's forward pass runs on the runtime's toolkit and gives the independent decoder's logits. */
    @Test
    void theJarsForwardPassMatchesTheReference(@TempDir Path checkpointDir) throws IOException, URISyntaxException {
        Path classes = Path.of(BloomArchitecture.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        jar(classes, pluginDir.resolve("bloom-architecture.jar"));
        Architecture bloom = Plugins.discover(Plugins.classLoaderFor(pluginDir, new RuntimeOnly())).architecture("bloom");
        assertNotSame(BloomArchitecture.class, bloom.getClass());

        TinyBloom.Spec spec = TinyBloom.Spec.of(3, 4);
        TinyBloom.Weights weights = TinyBloom.write(checkpointDir, spec);
        long[] ids = {2, 7, 1, 8, 2, 8};
        try (Checkpoint c = CheckpointOpener.open(checkpointDir, "bloom-tiny");
             ForwardModel model = bloom.forward(c, ForwardSettings.of(ForwardPrecision.FLOAT64))) {
            assertNotSame(BloomForward.class, model.getClass(), "the pass comes from the jar too");
            double err = BloomForwardTest.relativeError(BloomReference.logits(spec, weights, ids), model.logits(ids));
            assertTrue(err < BloomForwardTest.CLOSE, "relative error " + err);
        }
    }

    /** Packs every file under {@code classes} into {@code jar}. */
    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                jarOut.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, jarOut);
                jarOut.closeEntry();
            }
        }
    }
}
