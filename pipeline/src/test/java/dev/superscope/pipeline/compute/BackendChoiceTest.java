package dev.superscope.pipeline.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.Device;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which backend {@code --backend auto} takes: the highest rank for the settings asked, among those that can run. */
class BackendChoiceTest {
    /** A provider that is never opened here: ranks and availability only. */
    private record Fake(String name, int rank, int cpuRank, boolean bf16) implements BackendProvider {
        @Override
        public String description() {
            return name;
        }

        @Override
        public int rank(BackendSettings settings) {
            return settings.device() == Device.CPU ? cpuRank : rank;
        }

        @Override
        public Optional<String> unavailableReason(BackendSettings settings) {
            return settings.precision() == ComputePrecision.BF16 && !bf16 ? Optional.of("no bf16") : Optional.empty();
        }

        @Override
        public Backend open(BackendSettings settings) {
            throw new AssertionError("not opened in this test");
        }
    }

    private static final Plugins PLUGINS = Plugins.of(List.of(), List.of(),
            List.of(new Fake("gpu", 30, 10, false), new Fake("cpu", 20, 20, true)));

    private static String chosen(Device device, ComputePrecision precision) {
        return BackendChoice.choose(PLUGINS, new ComputeSettings(ComputeSettings.AUTO, device, precision, 1)).name();
    }

    @Test
    void aGpuBackendWinsOnlyWhereItComputesOnTheGpu() {
        assertEquals("gpu", chosen(Device.AUTO, ComputePrecision.FLOAT32));
        assertEquals("cpu", chosen(Device.CPU, ComputePrecision.FLOAT32), "--device cpu: the CPU backend is the faster");
    }

    @Test
    void aBackendThatCannotRunIsPassedOverOrNamedWhenAskedFor() {
        assertEquals("cpu", chosen(Device.AUTO, ComputePrecision.BF16));
        SuperscopeException e = assertThrows(SuperscopeException.class, () -> BackendChoice.choose(PLUGINS,
                new ComputeSettings("gpu", Device.AUTO, ComputePrecision.BF16, 1)));
        assertEquals(SuperscopeException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("--backend gpu cannot run here: no bf16"), e.getMessage());
    }
}
