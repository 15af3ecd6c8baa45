package dev.superscope.examples.bloom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.architecture.Architecture;
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
 * into a jar, and that jar is loaded over a parent class loader that sees the plugin API and nothing
 * else, so the loader can only have come from the jar.
 */
class PluginPathTest {
    @TempDir
    Path pluginDir;

    /** Sees dev.superscope.plugins (shared with this test, so objects cross over) and the JDK, not target/classes. */
    private static final class PluginApiOnly extends ClassLoader {
        PluginApiOnly() {
            super("plugin-api-only", ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (name.startsWith("dev.superscope.plugins.")) {
                return Architecture.class.getClassLoader().loadClass(name);
            }
            throw new ClassNotFoundException(name);
        }
    }

    @Test
    void theJarInThePluginDirectoryProvidesTheBloomLoader() throws IOException, URISyntaxException {
        ClassLoader apiOnly = new PluginApiOnly();
        assertEquals(List.of(), List.copyOf(Plugins.discover(apiOnly).architectures().keySet()),
                "without the jar no loader is visible");

        Path classes = Path.of(BloomArchitecture.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        jar(classes, pluginDir.resolve("bloom-loader.jar"));
        ClassLoader withJar = Plugins.classLoaderFor(pluginDir, apiOnly);
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
