package dev.superscope.testing;

import dev.superscope.plugins.Plugins;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.Device;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compute backends on the test class path, for suites that run once per backend (as DJL runs one
 * integration suite on every engine): {@code @ParameterizedClass @MethodSource(
 * "dev.superscope.testing.TestBackends#names")}. Each backend is opened once per test JVM, on the CPU
 * with two threads, and closed when the JVM exits.
 */
public final class TestBackends {
    private static final BackendSettings CPU = new BackendSettings(Device.CPU, ComputePrecision.FLOAT32, 2);
    private static final Map<String, Backend> OPENED = new ConcurrentHashMap<>();

    private TestBackends() {
    }

    /** Names of the backends that can run float32 on the CPU here, in name order. */
    public static List<String> names() {
        Map<String, BackendProvider> all = Plugins.discover(TestBackends.class.getClassLoader()).backends();
        List<String> names = all.values().stream().filter(p -> p.unavailableReason(CPU).isEmpty())
                .map(BackendProvider::name).toList();
        if (names.isEmpty()) {
            throw new IllegalStateException("no compute backend on the test class path");
        }
        return names;
    }

    /** The backend called {@code name}, opened on first use. */
    public static Backend open(String name) {
        return OPENED.computeIfAbsent(name, n -> {
            Backend b = Plugins.discover(TestBackends.class.getClassLoader()).backend(n).open(CPU);
            Runtime.getRuntime().addShutdownHook(new Thread(b::close, "close-" + n));
            return b;
        });
    }
}
