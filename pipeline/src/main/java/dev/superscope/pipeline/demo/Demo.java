package dev.superscope.pipeline.demo;

import dev.superscope.pipeline.ProgressListener;
import dev.superscope.pipeline.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The offline showcase: two families of Hugging Face-format checkpoints (strong and weak superposition)
 * at several widths, written under {@code out/checkpoints}, ready to audit.
 */
public final class Demo {
    /** The widths m of each family. */
    public static final int[] WIDTHS = {32, 64, 128, 256, 512, 1024};

    private Demo() {
    }

    /**
     * Writes the checkpoints that are missing (all of them with {@code force}) and returns them as targets.
     *
     * @param vocab rows n of every head
     */
    public static List<Target> write(Path out, int vocab, long seed, boolean force, ProgressListener progress) {
        List<Target> targets = new ArrayList<>();
        for (DemoFamily family : DemoFamily.values()) {
            for (int m : WIDTHS) {
                String name = family.label().split("-")[0] + "-m" + m;
                Path dir = out.resolve("checkpoints").resolve(name);
                if (force || !Files.exists(dir.resolve("model.safetensors"))) {
                    progress.start("writing checkpoint " + dir + " (" + vocab + " x " + m + ")");
                    try {
                        DemoCheckpoints.write(dir, family, vocab, m, seed);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    progress.done();
                }
                targets.add(Target.of(name, family.label(), dir.toString(), null));
            }
        }
        return targets;
    }
}
