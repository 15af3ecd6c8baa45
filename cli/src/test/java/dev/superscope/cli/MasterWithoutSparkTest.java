package dev.superscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain jar holds no Spark: {@code --master} says, in one line, where the runner is. */
class MasterWithoutSparkTest {
    @TempDir
    Path tmp;

    @Test
    void runAndAnalyzeWithMasterNameTheSparkRunner() throws IOException {
        Files.createDirectories(tmp.resolve("m"));
        Path yaml = Files.writeString(tmp.resolve("models.yaml"), "models:\n  - {name: m, family: f, path: m}\n");
        for (String[] args : new String[][] {{"run", yaml.toString(), "--master", "local[2]"},
            {"analyze", tmp.resolve("m").toString(), "--master", "local[2]"}}) {
            Cli r = Cli.run(concat(args, "--out", tmp.resolve("out").toString()));
            assertEquals(2, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("--master needs the Spark runner"), r.err());
        }
        assertTrue(Files.notExists(tmp.resolve("out/models.csv")));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
