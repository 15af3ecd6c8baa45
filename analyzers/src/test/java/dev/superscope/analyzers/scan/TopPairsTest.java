package dev.superscope.analyzers.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bounded heap keeps exactly the best K of any stream of pairs, and merging parts changes nothing. */
class TopPairsTest {

    /** Distinct pairs with many exact |cos| ties (values on a coarse grid, both signs). */
    private static List<TopPairs.Pair> pairs(int count, long seed) {
        Random random = new Random(seed);
        List<TopPairs.Pair> pairs = new ArrayList<>();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        while (pairs.size() < count) {
            int i = random.nextInt(200);
            int j = i + 1 + random.nextInt(200);
            if (!seen.add((long) i << 32 | j)) {
                continue;
            }
            float cos = (random.nextInt(41) - 20) / 20f;
            pairs.add(new TopPairs.Pair(i, j, cos));
        }
        return pairs;
    }

    @Test
    void keepsTheBestKWithTiesToTheLowestRows() {
        List<TopPairs.Pair> all = pairs(5000, 1);
        for (int k : new int[] {0, 1, 7, 100, 6000}) {
            TopPairs top = new TopPairs(k);
            for (TopPairs.Pair p : all) {
                top.offer(p.first(), p.second(), p.cosine());
            }
            List<TopPairs.Pair> expected = new ArrayList<>(all);
            expected.sort(TopPairs.BEST_FIRST);
            assertEquals(expected.subList(0, Math.min(k, all.size())), top.sorted(), "k = " + k);
        }
    }

    @Test
    void mergingShuffledPartsEqualsOnePass() {
        List<TopPairs.Pair> all = pairs(3000, 2);
        TopPairs whole = new TopPairs(50);
        all.forEach(p -> whole.offer(p.first(), p.second(), p.cosine()));
        Collections.shuffle(all, new Random(3));
        TopPairs merged = new TopPairs(50);
        for (int part = 0; part < 4; part++) {
            TopPairs t = new TopPairs(50);
            all.subList(part * 750, (part + 1) * 750).forEach(p -> t.offer(p.first(), p.second(), p.cosine()));
            merged.merge(t);
        }
        assertEquals(whole.sorted(), merged.sorted());
    }

    @Test
    void theFloorIsWhatAPairMustReach() {
        TopPairs top = new TopPairs(2);
        assertEquals(Float.NEGATIVE_INFINITY, top.floor());
        top.offer(0, 1, 0.5f);
        top.offer(0, 2, -0.9f);
        assertEquals(0.5f, top.floor());
        top.offer(0, 3, 0.7f);
        assertEquals(0.7f, top.floor());
        assertTrue(new TopPairs(0).floor() == Float.POSITIVE_INFINITY);
    }
}
