package dev.superscope.bench;

import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.ComputeScope;
import dev.superscope.plugins.compute.DeviceRows;
import dev.superscope.plugins.compute.Device;
import dev.superscope.plugins.compute.FloatRows;
import dev.superscope.plugins.compute.GramSum;
import dev.superscope.plugins.compute.Tile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The true GFLOP/s of a backend's kernels through the compute seam, printed as one JSON object for
 * bench/bench.py to set beside the best float32 GEMM measured in the same run. True flops: a tile
 * A B^T of t x t x m is 2 t^2 m; a Gram sum and the quadratic forms are n m^2 each (a symmetric rank-k
 * update does half a GEMM's multiply-adds, a triangular multiply half of one too). Each kernel runs once
 * to warm up, then {@code --reps} times; the best time is kept (the machine is shared: the best is the
 * least disturbed). Usage:
 *
 * <pre>KernelRates --backend blas|torch [--precision float32|bf16] [--reps 3] [--large]</pre>
 *
 * Without {@code --large} the shapes are GPT-2-small's (n = 50257 in 4096-row blocks, and in the
 * 16384-row blocks the overlap analyzer reads at this width; m = 768, tiles of 4096); with it, the 72B-shaped head's width too (16384 x 8192 blocks, 4096 x 4096 x 8192 tiles).
 */
public final class KernelRates {
    private record Rate(String kernel, String shape, double seconds, double flops) {
        String json() {
            return String.format(Locale.ROOT, "{\"kernel\": \"%s\", \"shape\": \"%s\", \"seconds\": %.6f, \"gflops\": %.1f}",
                    kernel, shape, seconds, flops / seconds / 1e9);
        }
    }

    private KernelRates() {
    }

    public static void main(String[] args) {
        String backendName = "blas";
        ComputePrecision precision = ComputePrecision.FLOAT32;
        int reps = 3;
        boolean large = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backend" -> backendName = args[++i];
                case "--precision" -> precision = ComputePrecision.parse(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--large" -> large = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        BackendProvider provider = Plugins.discover(KernelRates.class.getClassLoader()).backend(backendName);
        BackendSettings settings = new BackendSettings(Device.CPU, precision, Runtime.getRuntime().availableProcessors());
        Optional<String> unavailable = provider.unavailableReason(settings);
        if (unavailable.isPresent()) {
            throw new IllegalStateException(provider.name() + " cannot run here: " + unavailable.get());
        }
        List<Rate> rates = new ArrayList<>();
        try (Backend backend = provider.open(settings)) {
            rates.add(tile(backend, 4096, 768, reps));
            rates.addAll(gramAndForms(backend, 50257, 768, 4096, reps));
            // The overlap analyzer's own Gram blocks at this width (OverlapAnalyzer.GRAM_BLOCK_FACTOR).
            rates.addAll(gramAndForms(backend, 50257, 768, 16384, reps));
            if (large) {
                rates.add(tile(backend, 4096, 8192, reps));
                rates.addAll(gramAndForms(backend, 16384, 8192, 16384, reps));
            }
            StringBuilder out = new StringBuilder("{\"backend\": \"" + backendName + "\", \"describe\": \""
                    + backend.describe().replace("\"", "'") + "\", \"precision\": \"" + precision.label()
                    + "\", \"rates\": [");
            for (int i = 0; i < rates.size(); i++) {
                out.append(i == 0 ? "" : ", ").append(rates.get(i).json());
            }
            System.out.println(out.append("]}"));
        }
    }

    private static Rate tile(Backend backend, int t, int m, int reps) {
        try (ComputeScope scope = backend.newScope()) {
            DeviceRows a = scope.rows(random(t, m, 1));
            DeviceRows b = scope.rows(random(t, m, 2));
            Tile product = scope.newTile(t, t);
            double best = Double.MAX_VALUE;
            for (int r = 0; r <= reps; r++) {
                long start = System.nanoTime();
                FloatBuffer c = product.multiply(a, b);
                double s = (System.nanoTime() - start) / 1e9;
                if (c.get(c.limit() - 1) == Float.MIN_VALUE) {
                    System.err.print("");
                }
                best = r == 0 ? best : Math.min(best, s);
            }
            return new Rate("sgemm tile", t + "x" + t + "x" + m, best, 2.0 * t * t * m);
        }
    }

    /** The Gram sum of {@code n} rows in {@code block}-row blocks, then their quadratic forms. */
    private static List<Rate> gramAndForms(Backend backend, int n, int m, int block, int reps) {
        int blocks = (n + block - 1) / block;
        FloatRows[] rows = new FloatRows[blocks];
        for (int b = 0; b < blocks; b++) {
            rows[b] = random(Math.min(block, n - b * block), m, 10 + b);
        }
        double bestGram = Double.MAX_VALUE;
        double bestForms = Double.MAX_VALUE;
        for (int r = 0; r <= reps; r++) {
            try (ComputeScope scope = backend.newScope()) {
                GramSum gram = scope.newGram(m);
                long start = System.nanoTime();
                for (FloatRows block1 : rows) {
                    try (ComputeScope child = scope.newChild()) {
                        gram.add(child.rows(block1));
                    }
                }
                double fp = gram.frobeniusSquared();
                double gramSeconds = (System.nanoTime() - start) / 1e9;
                start = System.nanoTime();
                double sum = 0;
                for (FloatRows block1 : rows) {
                    try (ComputeScope child = scope.newChild()) {
                        for (double q : gram.quadraticForms(child.rows(block1))) {
                            sum += q;
                        }
                    }
                }
                double formSeconds = (System.nanoTime() - start) / 1e9;
                if (!(fp > 0 && sum > 0)) {
                    throw new IllegalStateException("a kernel returned nothing: " + fp + ", " + sum);
                }
                if (r > 0) {
                    bestGram = Math.min(bestGram, gramSeconds);
                    bestForms = Math.min(bestForms, formSeconds);
                }
            }
        }
        double flops = (double) n * m * m;
        String shape = n + "x" + m + " in " + block + "-row blocks";
        return List.of(new Rate("gram (syrk)", shape, bestGram, flops), new Rate("quadratic forms", shape, bestForms, flops));
    }

    private static FloatRows random(int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer data = ByteBuffer.allocateDirect(rows * cols * Float.BYTES).order(ByteOrder.nativeOrder());
        FloatBuffer f = data.asFloatBuffer();
        for (int i = 0; i < rows * cols; i++) {
            f.put((float) (random.nextDouble() - 0.5));
        }
        return new FloatRows(data, rows, cols);
    }
}
