package dev.superscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.checkpoints.safetensors.SafetensorsWriter;
import dev.superscope.plugins.DType;
import dev.superscope.testing.EncoderCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code superscope collisions} on a matrix with exact copies in three different tiles (the scan's tiles
 * are 2048 rows), an anti-parallel pair, near copies and a chain of near copies, against a float64 brute
 * force over all pairs: the listed pairs are the brute-force top K in order, with the token strings of a
 * real vocab.txt beside the file, and the collapsed rows and groups are the brute-force counts.
 */
class CollisionsCommandTest {
    private static final int N = 4500;
    private static final int M = 16;
    private static final Pattern ROW = Pattern.compile(
            "^\\s*(\\d+)\\s+([0-9.]+)\\s+([+-][0-9.]+)\\s+(\\d+)\\s+\"(.*)\"\\s+(\\d+)\\s+\"(.*)\"$");

    @TempDir
    Path tmp;

    private static double[][] rows() {
        Random random = new Random(21);
        double[][] w = new double[N][M];
        for (double[] row : w) {
            for (int c = 0; c < M; c++) {
                row[c] = random.nextGaussian();
            }
        }
        w[2100] = w[5].clone();
        w[4400] = w[5].clone();
        for (int c = 0; c < M; c++) {
            w[1001][c] = -2 * w[1000][c];
            w[2500][c] = w[300][c] + 0.02 * random.nextGaussian();
            w[3001][c] = w[3000][c] + 0.08 * random.nextGaussian();
            w[3002][c] = w[3001][c] + 0.08 * random.nextGaussian();
        }
        return w;
    }

    private static double cos(double[] a, double[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int c = 0; c < a.length; c++) {
            ab += a[c] * b[c];
            aa += a[c] * a[c];
            bb += b[c] * b[c];
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void theListedPairsAndGroupsAreTheBruteForceOnes() throws IOException {
        double[][] w = rows();
        float[] values = new float[N * M];
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < M; c++) {
                values[i * M + c] = (float) w[i][c];
            }
        }
        Path dir = Files.createDirectories(tmp.resolve("weights"));
        new SafetensorsWriter().floats("emb", DType.F32, new long[] {N, M}, values).write(dir.resolve("emb.safetensors"));
        EncoderCheckpoints.copyVocab(dir.resolve("vocab.txt"));
        // Brute force over the float32 values the file holds.
        double[][] stored = new double[N][M];
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < M; c++) {
                stored[i][c] = values[i * M + c];
            }
        }
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            for (int j = i + 1; j < N; j++) {
                double c = cos(stored[i], stored[j]);
                if (Math.abs(c) > 0.9) {
                    pairs.add(new double[] {i, j, c});
                }
            }
        }
        pairs.sort(Comparator.comparingDouble((double[] p) -> -Math.abs(p[2])));
        int k = 8;
        assertTrue(Math.abs(pairs.get(k - 1)[2]) - Math.abs(pairs.get(k)[2]) > 1e-4, "a clear gap after rank " + k);

        Cli r = Cli.run("collisions", dir.resolve("emb.safetensors").toString(), "--tensor", "emb", "--top",
                Integer.toString(k));
        assertEquals(0, r.code(), r.err());
        List<double[]> listed = new ArrayList<>();
        List<String[]> tokens = new ArrayList<>();
        for (String line : r.out().split("\\R")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                listed.add(new double[] {Integer.parseInt(m.group(4)), Integer.parseInt(m.group(6)),
                    Double.parseDouble(m.group(3))});
                tokens.add(new String[] {m.group(5), m.group(7)});
            }
        }
        assertEquals(k, listed.size(), r.out());
        // The exact copies 5 = 2100 = 4400 (three tiles) and the anti-parallel 1000 = -2 x 1001 tie at |cos| 1
        // exactly (scaling by 2 is exact in float32) and come in (i, j) order.
        assertEquals(List.of("5-2100", "5-4400", "1000-1001", "2100-4400"), listed.subList(0, 4).stream()
                .map(p -> (int) p[0] + "-" + (int) p[1]).toList());
        java.util.Set<String> expected = new java.util.HashSet<>();
        java.util.Set<String> got = new java.util.HashSet<>();
        for (int p = 0; p < k; p++) {
            expected.add((int) pairs.get(p)[0] + "-" + (int) pairs.get(p)[1]);
            got.add((int) listed.get(p)[0] + "-" + (int) listed.get(p)[1]);
            double truth = cos(stored[(int) listed.get(p)[0]], stored[(int) listed.get(p)[1]]);
            assertEquals(truth, listed.get(p)[2], 2e-6, "pair " + p + "'s cosine, sign included");
        }
        assertEquals(expected, got);
        // Token strings from the real vocab.txt beside the file.
        assertEquals("[unused4]", tokens.get(0)[0]);
        assertEquals(List.of("1000", "1001"), listed.stream().filter(p -> p[2] < 0)
                .map(p -> List.of(Integer.toString((int) p[0]), Integer.toString((int) p[1]))).findFirst().orElseThrow());

        // Collapsed rows and groups by brute force (|cos| >= 0.99).
        int[] component = new int[N];
        java.util.Arrays.fill(component, -1);
        int collapsedRows = 0;
        int groups = 0;
        for (int i = 0; i < N; i++) {
            boolean near = false;
            for (double[] p : pairs) {
                if (Math.abs(p[2]) >= 0.99 && (p[0] == i || p[1] == i)) {
                    near = true;
                }
            }
            collapsedRows += near ? 1 : 0;
        }
        // Union the linked pairs; count components of two or more.
        int[] parent = new int[N];
        for (int i = 0; i < N; i++) {
            parent[i] = i;
        }
        for (double[] p : pairs) {
            if (Math.abs(p[2]) >= 0.99) {
                parent[root(parent, (int) p[1])] = root(parent, (int) p[0]);
            }
        }
        int[] size = new int[N];
        for (int i = 0; i < N; i++) {
            size[root(parent, i)]++;
        }
        for (int i = 0; i < N; i++) {
            groups += root(parent, i) == i && size[i] >= 2 ? 1 : 0;
        }
        assertTrue(r.out().contains("collapsed: " + collapsedRows + " rows in " + groups + " groups at |cos| >= 0.99"),
                "brute force: " + collapsedRows + " rows in " + groups + " groups; got:\n" + r.out());
        assertTrue(r.out().contains("3 rows: 5 \"[unused4]\", 2100"), r.out());
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            i = parent[i];
        }
        return i;
    }

    @Test
    void aBadTopIsAUsageError() {
        Cli r = Cli.run("collisions", Cli.checkpoint("cerebras-gpt2-tiny").toString(), "--top", "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--top"), r.err());
    }

    @Test
    void withoutATokenizerTheListingShowsIds() {
        Cli r = Cli.run("collisions", Cli.checkpoint("cerebras-gpt2-tiny").toString(), "--top", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("top 3 pairs by |cos| (no tokenizer found: ids only):"), r.out());
        assertTrue(r.out().contains("cerebras-gpt2-tiny  unembedding  transformer.wte.weight  12 x 8"), r.out());
    }
}
