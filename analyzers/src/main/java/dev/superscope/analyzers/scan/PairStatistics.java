package dev.superscope.analyzers.scan;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What the pairwise scan has found over some of the pairs of valid rows, in a form two parts of the scan
 * can be merged from exactly: the tile pairs of one matrix can be split between threads, processes or
 * machines, and merging their statistics gives what one pass over all of them gives.
 *
 * <ul>
 *   <li>pairwise: the float64 sum of |cos| over the pairs seen, their max, and histogram counts of cos;</li>
 *   <li>per row i, its best decoding competitor: the largest score w_j . u_i = r_j cos_ij over the rows j
 *       seen ({@link #competitorScore}, {@link #competitorId}), and its own score r_i cos_ii once its
 *       diagonal tile is seen ({@link #ownScore});</li>
 *   <li>per row i, its nearest other row: the largest |cos_ij| ({@link #nearestAbsCosine},
 *       {@link #nearestId});</li>
 *   <li>collapsed rows: a union-find forest linking every pair with |cos| at or above a threshold, whose
 *       components are the groups of rows that collapsed onto one another;</li>
 *   <li>the K most similar pairs by |cos| ({@link TopPairs}; K = 0 unless a listing asked for them).</li>
 * </ul>
 * Ties go to the lowest row id, in a pass as in a merge, so the result does not depend on how the pairs
 * were split.
 */
public final class PairStatistics implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int bins;
    private final float collapseThreshold;
    double sumAbs;
    float maxAbs;
    final long[] histogram;
    final float[] competitorScore;
    final int[] competitorId;
    final float[] ownScore;
    final float[] nearestAbs;
    final int[] nearestId;
    private final int[] parent;
    final TopPairs topPairs;

    /** Nothing seen yet, for a matrix of {@code rows} rows, keeping no top pairs. */
    public PairStatistics(int rows, int bins, double collapseThreshold) {
        this(rows, bins, collapseThreshold, 0);
    }

    /** Nothing seen yet, for a matrix of {@code rows} rows, keeping the {@code topPairs} most similar pairs. */
    public PairStatistics(int rows, int bins, double collapseThreshold, int topPairs) {
        this.topPairs = new TopPairs(topPairs);
        this.bins = bins;
        this.collapseThreshold = (float) collapseThreshold;
        this.histogram = new long[bins];
        this.competitorScore = filled(rows, Float.NEGATIVE_INFINITY);
        this.competitorId = filled(rows, -1);
        this.ownScore = filled(rows, Float.NaN);
        this.nearestAbs = filled(rows, Float.NEGATIVE_INFINITY);
        this.nearestId = filled(rows, -1);
        this.parent = new int[rows];
        for (int i = 0; i < rows; i++) {
            parent[i] = i;
        }
    }

    /** Rows of the matrix. */
    public int rows() {
        return parent.length;
    }

    /** Histogram bins over [-1, 1]. */
    public int bins() {
        return bins;
    }

    /** |cos| at or above which two rows count as collapsed onto one another. */
    public float collapseThreshold() {
        return collapseThreshold;
    }

    /** Sum of |cos_ij| over the pairs i &lt; j seen. */
    public double sumAbsCosine() {
        return sumAbs;
    }

    /** Max of |cos_ij| over the pairs seen (0 when none). */
    public float maxAbsCosine() {
        return maxAbs;
    }

    /** Counts of cos_ij, i &lt; j, in equal bins over [-1, 1] (a copy). */
    public long[] histogram() {
        return histogram.clone();
    }

    /** Row i's best competitor score so far (-inf when none). */
    public float competitorScore(int i) {
        return competitorScore[i];
    }

    /** The row that gave it (-1 when none). */
    public int competitorId(int i) {
        return competitorId[i];
    }

    /** Row i's own score r_i cos_ii (NaN until its diagonal tile is seen). */
    public float ownScore(int i) {
        return ownScore[i];
    }

    /** The largest |cos| of row i with another row so far (-inf when none). */
    public float nearestAbsCosine(int i) {
        return nearestAbs[i];
    }

    /** The row that gave it (-1 when none). */
    public int nearestId(int i) {
        return nearestId[i];
    }

    /** The most similar pairs seen, best first (as many as were asked for, or fewer). */
    public java.util.List<TopPairs.Pair> topPairs() {
        return topPairs.sorted();
    }

    /** Offers row {@code i} the competitor {@code j} with {@code score}: kept if higher, or equal from a lower id. */
    void offerCompetitor(int i, float score, int j) {
        if (score > competitorScore[i] || score == competitorScore[i] && j < competitorId[i]) {
            competitorScore[i] = score;
            competitorId[i] = j;
        }
    }

    /** Offers row {@code i} the neighbour {@code j} at {@code absCosine}: kept if nearer, or as near with a lower id. */
    void offerNearest(int i, float absCosine, int j) {
        if (absCosine > nearestAbs[i] || absCosine == nearestAbs[i] && j < nearestId[i]) {
            nearestAbs[i] = absCosine;
            nearestId[i] = j;
        }
    }

    /** Records row i's own score. */
    void own(int i, float score) {
        ownScore[i] = score;
    }

    /** Links rows {@code a} and {@code b} (their |cos| reached the threshold). */
    void link(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra != rb) {
            // The lower root stays the root, so a forest's shape does not depend on the order of links.
            if (ra < rb) {
                parent[rb] = ra;
            } else {
                parent[ra] = rb;
            }
        }
    }

    private int find(int a) {
        int root = a;
        while (parent[root] != root) {
            root = parent[root];
        }
        while (parent[a] != root) {
            int next = parent[a];
            parent[a] = root;
            a = next;
        }
        return root;
    }

    /** Adds {@code other}'s pairs to these (both over the same matrix, bins and threshold). */
    public void merge(PairStatistics other) {
        if (other.rows() != rows() || other.bins != bins || other.collapseThreshold != collapseThreshold
                || other.topPairs.capacity() != topPairs.capacity()) {
            throw new IllegalArgumentException("statistics of different scans cannot be merged");
        }
        topPairs.merge(other.topPairs);
        sumAbs += other.sumAbs;
        maxAbs = Math.max(maxAbs, other.maxAbs);
        for (int k = 0; k < bins; k++) {
            histogram[k] += other.histogram[k];
        }
        for (int i = 0; i < rows(); i++) {
            if (other.competitorId[i] >= 0) {
                offerCompetitor(i, other.competitorScore[i], other.competitorId[i]);
            }
            if (other.nearestId[i] >= 0) {
                offerNearest(i, other.nearestAbs[i], other.nearestId[i]);
            }
            if (!Float.isNaN(other.ownScore[i])) {
                ownScore[i] = other.ownScore[i];
            }
            if (other.parent[i] != i) {
                link(i, other.parent[i]);
            }
        }
    }

    /**
     * The collapsed groups: for each row, the lowest row id of its group when the group has two rows or
     * more, else -1.
     */
    public int[] groups() {
        int n = rows();
        int[] root = new int[n];
        int[] size = new int[n];
        for (int i = 0; i < n; i++) {
            root[i] = find(i);
            size[root[i]]++;
        }
        int[] group = new int[n];
        for (int i = 0; i < n; i++) {
            group[i] = size[root[i]] >= 2 ? root[i] : -1;
        }
        return group;
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }
}
