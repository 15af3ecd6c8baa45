package dev.superscope.analyzers.scan;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The K most similar pairs of rows seen so far, by |cos|, ties to the lowest (i, j): a bounded heap of K
 * pairs that two parts of a scan merge from exactly, like the rest of {@link PairStatistics}. Memory is
 * O(K) whatever the number of pairs offered.
 *
 * <p>Why a heap and not each row's nearest neighbour: the top K pairs are not all some row's nearest
 * pair. If rows a, b, c are near copies of one another, (a, b), (a, c) and (b, c) may all beat every other
 * pair, yet each row has only one nearest neighbour, so a listing built from nearest pairs can miss (b, c)
 * while keeping a weaker pair elsewhere.
 */
public final class TopPairs implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One pair i &lt; j of rows and their cosine. */
    public record Pair(int first, int second, float cosine) implements Serializable {
        /** |cos|. */
        public float absCosine() {
            return Math.abs(cosine);
        }
    }

    /** Best first: larger |cos|, then lower first row, then lower second row. */
    public static final Comparator<Pair> BEST_FIRST = Comparator.comparingDouble((Pair p) -> -p.absCosine())
            .thenComparingInt(Pair::first).thenComparingInt(Pair::second);

    private final int capacity;
    private final int[] first;
    private final int[] second;
    private final float[] cosine;
    private int size;

    /** Room for the best {@code capacity} pairs (0: keeps none, and {@link #floor()} refuses everything). */
    public TopPairs(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative, not " + capacity);
        }
        this.capacity = capacity;
        this.first = new int[capacity];
        this.second = new int[capacity];
        this.cosine = new float[capacity];
    }

    /** How many pairs are kept at most. */
    public int capacity() {
        return capacity;
    }

    /**
     * The |cos| below which an offered pair cannot be kept: +inf with no room, -inf until full, else the
     * worst kept pair's |cos| (a pair at exactly this value may still be kept, if its rows are lower).
     */
    public float floor() {
        if (capacity == 0) {
            return Float.POSITIVE_INFINITY;
        }
        return size < capacity ? Float.NEGATIVE_INFINITY : Math.abs(cosine[0]);
    }

    /** Offers the pair (i, j), i &lt; j, with cosine {@code cos}: kept if it is among the best so far. */
    public void offer(int i, int j, float cos) {
        if (capacity == 0) {
            return;
        }
        if (size < capacity) {
            first[size] = i;
            second[size] = j;
            cosine[size] = cos;
            siftUp(size++);
        } else if (worse(0, i, j, cos)) {
            first[0] = i;
            second[0] = j;
            cosine[0] = cos;
            siftDown(0);
        }
    }

    /** Offers every pair {@code other} kept. */
    public void merge(TopPairs other) {
        for (int k = 0; k < other.size; k++) {
            offer(other.first[k], other.second[k], other.cosine[k]);
        }
    }

    /** The kept pairs, best first. */
    public List<Pair> sorted() {
        List<Pair> pairs = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            pairs.add(new Pair(first[k], second[k], cosine[k]));
        }
        pairs.sort(BEST_FIRST);
        return pairs;
    }

    /** Whether the kept pair at heap slot {@code k} ranks below the pair (i, j, cos). */
    private boolean worse(int k, int i, int j, float cos) {
        float a = Math.abs(cosine[k]);
        float b = Math.abs(cos);
        if (a != b) {
            return a < b;
        }
        return first[k] != i ? first[k] > i : second[k] > j;
    }

    /** The heap keeps its worst pair at slot 0: slot a is worse than slot b. */
    private boolean worseSlot(int a, int b) {
        return worse(a, first[b], second[b], cosine[b]);
    }

    private void siftUp(int k) {
        while (k > 0) {
            int parent = (k - 1) / 2;
            if (!worseSlot(k, parent)) {
                return;
            }
            swap(k, parent);
            k = parent;
        }
    }

    private void siftDown(int k) {
        while (true) {
            int left = 2 * k + 1;
            if (left >= size) {
                return;
            }
            int worst = left + 1 < size && worseSlot(left + 1, left) ? left + 1 : left;
            if (!worseSlot(worst, k)) {
                return;
            }
            swap(k, worst);
            k = worst;
        }
    }

    private void swap(int a, int b) {
        int f = first[a];
        first[a] = first[b];
        first[b] = f;
        int s = second[a];
        second[a] = second[b];
        second[b] = s;
        float c = cosine[a];
        cosine[a] = cosine[b];
        cosine[b] = c;
    }
}
