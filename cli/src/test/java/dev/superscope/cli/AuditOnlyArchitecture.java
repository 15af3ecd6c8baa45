package dev.superscope.cli;

import dev.superscope.plugins.architecture.Architecture;
import dev.superscope.plugins.architecture.ArchitectureSpec;
import dev.superscope.plugins.architecture.SpecArchitecture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * A plugin architecture without a forward pass (Falcon's embedding, audit only), for the commands that
 * need one. It is not listed in this module's services, so it exists only where {@link #pluginDirectory}
 * packs it into a jar.
 */
public final class AuditOnlyArchitecture extends SpecArchitecture {

    public AuditOnlyArchitecture() {
        super(new ArchitectureSpec("falcon-audit-only", Set.of("falcon"), Set.of("FalconForCausalLM"),
                List.of("transformer.word_embeddings.weight"), List.of("lm_head.weight"), List.of("hidden_size"),
                List.of("hidden_size"), true), "Falcon word embeddings, no forward pass (test plugin)");
    }

    /** {@code dir} (created) holding a jar of this class and a services file naming it. */
    static Path pluginDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        String classFile = AuditOnlyArchitecture.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(dir.resolve("audit-only.jar"));
             JarOutputStream jar = new JarOutputStream(out);
             InputStream bytes = AuditOnlyArchitecture.class.getClassLoader().getResourceAsStream(classFile)) {
            jar.putNextEntry(new JarEntry(classFile));
            bytes.transferTo(jar);
            jar.closeEntry();
            jar.putNextEntry(new JarEntry("META-INF/services/" + Architecture.class.getName()));
            jar.write((AuditOnlyArchitecture.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return dir;
    }
}
