package dev.superscope.analyzers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every metric by its definition, with O(n^2 m) double loops and no Gram-matrix identity: the yardstick
 * the analyzers are checked against (same row rules as bench/reference_metrics.py).
 */
final class BruteForce {
    final int n;
    final int m;
    final double[] norms;          // NaN for non-finite rows
    final boolean[] valid;
    final int nonFinite;
    final int zero;
    final int k;
    final double[][] unit;         // per row, null when invalid
    private final double[][] rows;

    BruteForce(double[][] rows) {
        n = rows.length;
        m = n == 0 ? 0 : rows[0].length;
        norms = new double[n];
        valid = new boolean[n];
        unit = new double[n][];
        int nf = 0;
        int z = 0;
        int v = 0;
        for (int i = 0; i < n; i++) {
            boolean finite = Arrays.stream(rows[i]).allMatch(Double::isFinite);
            double s = 0;
            for (double x : rows[i]) {
                s += x * x;
            }
            norms[i] = finite ? Math.sqrt(s) : Double.NaN;
            if (!finite) {
                nf++;
            } else if (norms[i] == 0) {
                z++;
            } else {
                valid[i] = true;
                v++;
                unit[i] = new double[m];
                for (int j = 0; j < m; j++) {
                    unit[i][j] = rows[i][j] / norms[i];
                }
            }
        }
        nonFinite = nf;
        zero = z;
        k = v;
        this.rows = rows;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    double[] finiteNorms() {
        return Arrays.stream(norms).filter(r -> !Double.isNaN(r)).toArray();
    }

    double normMean() {
        return Arrays.stream(finiteNorms()).average().orElse(Double.NaN);
    }

    double normStd() {
        double[] r = finiteNorms();
        double mean = normMean();
        double s = 0;
        for (double x : r) {
            s += (x - mean) * (x - mean);
        }
        return Math.sqrt(s / (r.length - 1));
    }

    /** numpy.percentile, linear. */
    double normPercentile(double q) {
        double[] r = finiteNorms();
        Arrays.sort(r);
        double pos = q / 100 * (r.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, r.length - 1);
        return r[lo] + (r[hi] - r[lo]) * (pos - lo);
    }

    double fracRepresented(double tau) {
        double p90 = normPercentile(90);
        double[] r = finiteNorms();
        return (double) Arrays.stream(r).filter(x -> x >= tau * p90).count() / r.length;
    }

    /** Mean of (u_i . u_j)^2 over ordered pairs i != j of valid rows, directly. */
    double msqOverlap() {
        return msq(validUnits());
    }

    double mEff() {
        return mEff(validUnits());
    }

    List<double[]> validUnits() {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (valid[i]) {
                out.add(unit[i]);
            }
        }
        return out;
    }

    /** Directions of the valid rows minus their mean; rows equal to the mean are left out. */
    List<double[]> centredUnits() {
        double[] mean = new double[m];
        for (int i = 0; i < n; i++) {
            if (valid[i]) {
                for (int j = 0; j < m; j++) {
                    mean[j] += rows[i][j] / k;
                }
            }
        }
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!valid[i]) {
                continue;
            }
            double[] c = new double[m];
            for (int j = 0; j < m; j++) {
                c[j] = rows[i][j] - mean[j];
            }
            double r = Math.sqrt(dot(c, c));
            if (r > 0) {
                for (int j = 0; j < m; j++) {
                    c[j] /= r;
                }
                out.add(c);
            }
        }
        return out;
    }

    static double msq(List<double[]> u) {
        double s = 0;
        int kk = u.size();
        for (int i = 0; i < kk; i++) {
            for (int j = 0; j < kk; j++) {
                if (i != j) {
                    double d = dot(u.get(i), u.get(j));
                    s += d * d;
                }
            }
        }
        return s / ((double) kk * (kk - 1));
    }

    static double mEff(List<double[]> u) {
        double kk = u.size();
        return kk * kk / (kk + msq(u) * kk * (kk - 1));
    }

    /** sum_{j != i} (u_i . u_j)^2 for valid i, NaN otherwise. */
    double[] interference() {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            if (!valid[i]) {
                out[i] = Double.NaN;
                continue;
            }
            double s = 0;
            for (int j = 0; j < n; j++) {
                if (j != i && valid[j]) {
                    double d = dot(unit[i], unit[j]);
                    s += d * d;
                }
            }
            out[i] = s;
        }
        return out;
    }

    /** Cosines over valid pairs i < j, in order. */
    double[] upperCosines() {
        double[] out = new double[k * (k - 1) / 2];
        int p = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (valid[i] && valid[j]) {
                    out[p++] = dot(unit[i], unit[j]);
                }
            }
        }
        return out;
    }

    double meanAbsOverlap() {
        return Arrays.stream(upperCosines()).map(Math::abs).average().orElse(Double.NaN);
    }

    double maxAbsOverlap() {
        return Arrays.stream(upperCosines()).map(Math::abs).max().orElse(Double.NaN);
    }

    long[] histogram(int bins) {
        long[] h = new long[bins];
        for (double c : upperCosines()) {
            int b = (int) Math.floor((c + 1) / 2 * bins);
            h[Math.max(0, Math.min(bins - 1, b))]++;
        }
        return h;
    }

    /** Pairs whose cosine lies within {@code eps} of an inner bin edge (float32 may bin them either way). */
    long nearEdges(int bins, double eps) {
        long count = 0;
        for (double c : upperCosines()) {
            double pos = (c + 1) / 2 * bins;
            double nearest = Math.rint(pos);
            if (nearest > 0 && nearest < bins && Math.abs(pos - nearest) < eps * bins / 2) {
                count++;
            }
        }
        return count;
    }

    /** Per row: 1 when some valid j != i has w_j . u_i > w_i . u_i, 0 when not, NaN when invalid. */
    double[] decodeErrors() {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            if (!valid[i]) {
                out[i] = Double.NaN;
                continue;
            }
            boolean lost = false;
            for (int j = 0; j < n && !lost; j++) {
                lost = j != i && valid[j] && dot(rows[j], unit[i]) > norms[i];
            }
            out[i] = lost ? 1 : 0;
        }
        return out;
    }

    /**
     * How close the decision is to a tie: the smallest |best_i - r_i| / r_i over valid rows, best_i being
     * the highest competitor score max_{j != i} w_j . u_i.
     */
    double decodeMargin() {
        double margin = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (!valid[i]) {
                continue;
            }
            double best = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (i != j && valid[j]) {
                    best = Math.max(best, dot(rows[j], unit[i]));
                }
            }
            margin = Math.min(margin, Math.abs(best - norms[i]) / norms[i]);
        }
        return margin;
    }
}
