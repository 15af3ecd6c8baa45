package dev.superscope.pipeline.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RevisionListTest {
    private static String error(String... items) {
        return assertThrows(IllegalArgumentException.class, () -> RevisionList.expand(List.of(items))).getMessage();
    }

    @Test
    void pythiasHundredAndFiftyFourCheckpoints() {
        List<String> all = RevisionList.expand(List.of("step0", "step1..step512:x2", "step1000..step143000:1000"));
        assertEquals(154, all.size());
        assertEquals(List.of("step0", "step1", "step2", "step4", "step8"), all.subList(0, 5));
        assertEquals(List.of("step256", "step512", "step1000", "step2000"), all.subList(9, 13));
        assertEquals("step143000", all.get(153));
    }

    @Test
    void plainRevisionsAndShortRanges() {
        assertEquals(List.of("main", "v1.0", "step0", "step1", "step2"),
                RevisionList.expand(List.of("main", "v1.0", "step0..step2")));
        assertEquals(List.of("ckpt-5"), RevisionList.expand(List.of("ckpt-5..ckpt-5:10")));
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(error("step0..step1500:1000").contains("does not reach step1500"));
        assertTrue(error("step0..ckpt10").contains("same text"));
        assertTrue(error("step10..step0").contains("backwards"));
        assertTrue(error("step0..step8:x2").contains("factor"));
        assertTrue(error("step1..step8:x1").contains("factor"));
        assertTrue(error("step0..step10:0").contains("at least 1"));
        assertTrue(error("step0..step10:abc").contains("not of the form"));
        assertTrue(error("step1", "step0..step2").contains("'step1' is listed twice"));
        assertTrue(error("has space").contains("not a revision"));
        assertTrue(error().contains("empty"));
        assertTrue(error("step0..step1000000000").contains("more than"));
        assertTrue(error("s1..s999999999999999999:x10").contains("does not reach"));
    }
}
