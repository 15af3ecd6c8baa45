package dev.superscope.reports.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.reports.ModelResult;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SweepFitsTest {
    private static ModelResult row(String model, int m, String revision) {
        return new ModelResult(model, "pythia", "gpt_neox", "unembedding", false, 50304, m, "F16", OptionalInt.empty(),
                OptionalInt.empty(), 0, "all", "", "", "", revision, "", Map.of("msq_overlap", 1.0 / m));
    }

    @Test
    void aSweepPointIsItsSweepAtTheStepItsRevisionEndsWith() {
        SweepPoint p = SweepPoint.of(row("pythia-70m@step1000", 512, "step1000")).orElseThrow();
        assertEquals("pythia-70m", p.sweep());
        assertEquals(1000, p.step());
        assertTrue(SweepPoint.of(row("pythia-70m", 512, "")).isEmpty(), "no revision: no sweep");
        assertTrue(SweepPoint.of(row("pythia-70m@main", 512, "main")).isEmpty(), "no step in 'main'");
    }

    @Test
    void widthsAreFittedPerRevisionAndThePlotShowsTheLastStep() {
        List<ModelResult> rows = List.of(row("a@step0", 512, "step0"), row("b@step0", 768, "step0"),
                row("a@step10", 512, "step10"), row("b@step10", 768, "step10"), row("c", 1024, ""));
        assertEquals(List.of("pythia@step0", "pythia@step0", "pythia@step10", "pythia@step10", "pythia"),
                SweepFits.fitView(rows).stream().map(ModelResult::family).toList());
        assertEquals(List.of("a@step10", "b@step10", "c"),
                SweepFits.plotView(rows).stream().map(ModelResult::model).toList());
    }
}
