package dev.superscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.superscope.reports.ModelResult;
import dev.superscope.reports.ModelsCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --precision}: what each row of models.csv says it was computed in, and bf16's measured error on a
 * real head (the GPT-2 fixture's 50257 x 16 embedding) against the default float32 products.
 */
class PrecisionCommandTest {
    @TempDir
    Path tmp;

    private ModelResult analyze(String analyzers, String... more) {
        Path out = tmp.resolve(analyzers.replace(',', '-') + String.join("", more));
        List<String> args = new java.util.ArrayList<>(List.of("analyze", Cli.checkpoint("gpt2-m16").toString(),
                "--analyzers", analyzers, "--out", out.toString()));
        args.addAll(List.of(more));
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return ModelsCsv.read(out.resolve(ModelsCsv.FILE_NAME)).get(0);
    }

    @Test
    void rowsSayWhatArithmeticTheirProductsHad() {
        assertEquals("float32", analyze("norms,overlap").precision());
        assertEquals("", analyze("norms").precision(), "no products, no precision");
    }

    @Test
    void bf16OverlapsAreWithinTheirStatedErrorOfFloat32() throws IOException {
        String cpuinfo = Files.isReadable(Path.of("/proc/cpuinfo")) ? Files.readString(Path.of("/proc/cpuinfo")) : "";
        assumeTrue(cpuinfo.contains("avx512_bf16") || cpuinfo.contains("amx_bf16"), "this CPU has no BF16 dot products");
        ModelResult exact = analyze("norms,overlap");
        ModelResult bf16 = analyze("norms,overlap", "--precision", "bf16");
        assertEquals("bf16", bf16.precision());
        assertEquals(exact.metric("norm_mean"), bf16.metric("norm_mean"), 0.0, "norms are Java float64 either way");
        for (String metric : List.of("msq_overlap", "msq_overlap_centered", "m_eff", "interference_mean")) {
            double want = exact.metric(metric);
            // README: bf16 inputs with float32 accumulation err by about 1e-5 on these sums.
            assertEquals(want, bf16.metric(metric), 1e-4 * Math.abs(want), metric);
        }
    }
}
