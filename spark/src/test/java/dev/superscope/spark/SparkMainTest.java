package dev.superscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Under spark-submit, run and analyze take spark-submit's master unless the command line names one. */
class SparkMainTest {
    @Test
    void theSubmittedMasterIsAddedOnlyWhereItIsMissing() {
        assertEquals(List.of("run", "m.yaml", "--master", "yarn"),
                SparkMain.withSubmittedMaster(new String[] {"run", "m.yaml"}, "yarn"));
        assertEquals(List.of("run", "m.yaml", "--master", "local[2]"),
                SparkMain.withSubmittedMaster(new String[] {"run", "m.yaml", "--master", "local[2]"}, "yarn"));
        assertEquals(List.of("run", "--master=local[2]"),
                SparkMain.withSubmittedMaster(new String[] {"run", "--master=local[2]"}, "yarn"));
        assertEquals(List.of("inspect", "x"), SparkMain.withSubmittedMaster(new String[] {"inspect", "x"}, "yarn"));
        assertEquals(List.of("run"), SparkMain.withSubmittedMaster(new String[] {"run"}, null));
    }
}
