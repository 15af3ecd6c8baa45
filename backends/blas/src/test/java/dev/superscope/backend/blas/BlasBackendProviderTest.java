package dev.superscope.backend.blas;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.plugins.compute.BackendSettings;
import dev.superscope.plugins.compute.ComputePrecision;
import dev.superscope.plugins.compute.Device;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlasBackendProviderTest {
    private static final int THREADS = Runtime.getRuntime().availableProcessors();

    private static BackendSettings settings(Device device, ComputePrecision precision, int threads) {
        return new BackendSettings(device, precision, threads);
    }

    @Test
    void serviceLoaderFindsItByNameWithRankTwenty() {
        List<BackendProvider> found = ServiceLoader.load(BackendProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("blas")).toList();
        assertEquals(1, found.size());
        assertEquals(20, found.get(0).rank());
        assertTrue(found.get(0) instanceof BlasBackendProvider);
    }

    @Test
    void runsOnTheCpuForAutoAndCpu() {
        BlasBackendProvider provider = new BlasBackendProvider();
        assertEquals(Optional.empty(), provider.unavailableReason(settings(Device.AUTO, ComputePrecision.FLOAT32, 1)));
        assertEquals(Optional.empty(), provider.unavailableReason(settings(Device.CPU, ComputePrecision.FLOAT32, 1)));
        try (Backend backend = provider.open(settings(Device.AUTO, ComputePrecision.FLOAT32, THREADS))) {
            assertEquals(Device.CPU, backend.device());
        }
    }

    @Test
    void cudaIsRefusedAsCpuOnly() {
        BlasBackendProvider provider = new BlasBackendProvider();
        BackendSettings cuda = settings(Device.CUDA, ComputePrecision.FLOAT32, 1);
        String reason = provider.unavailableReason(cuda).orElseThrow();
        assertTrue(reason.contains("CPU only"), reason);
        SuperscopeException e = assertThrows(SuperscopeException.class, () -> provider.open(cuda));
        assertEquals(SuperscopeException.USAGE, e.exitCode());
        assertEquals(reason, e.getMessage());
    }

    @Test
    void bf16IsRefusedOnACpuWithoutBf16DotProducts() {
        BlasBackendProvider provider = new BlasBackendProvider(BlasBackendProvider.class.getClassLoader(),
                Optional.of("fpu sse2 avx2 fma avx512f avx512bw avx512_vnni"));
        BackendSettings bf16 = settings(Device.CPU, ComputePrecision.BF16, 1);
        String reason = provider.unavailableReason(bf16).orElseThrow();
        assertEquals(Bf16Support.NO_BF16_CPU, reason);
        assertEquals(Optional.empty(), provider.unavailableReason(settings(Device.CPU, ComputePrecision.FLOAT32, 1)));
        assertEquals(SuperscopeException.USAGE, assertThrows(SuperscopeException.class, () -> provider.open(bf16)).exitCode());
    }

    @Test
    void bf16IsOfferedOnACpuWithBf16DotProducts() {
        BlasBackendProvider provider = new BlasBackendProvider(BlasBackendProvider.class.getClassLoader(),
                Optional.of("fpu avx512f avx512_bf16"));
        assertEquals(Optional.empty(), provider.unavailableReason(settings(Device.CPU, ComputePrecision.BF16, 1)));
    }

    @Test
    void bf16WithoutOneDnnOnTheClassPathNamesTheMissingArtifacts() {
        // The class path as it is, less oneDNN's and OpenCL's native jars.
        ClassLoader withoutOneDnn = new ClassLoader(null) {
            @Override
            public URL getResource(String name) {
                if (name.startsWith("org/bytedeco/dnnl/") || name.startsWith("org/bytedeco/opencl/")) {
                    return null;
                }
                return BlasBackendProvider.class.getClassLoader().getResource(name);
            }
        };
        BlasBackendProvider provider = new BlasBackendProvider(withoutOneDnn, Optional.of("avx512_bf16"));
        assertEquals(Optional.empty(), provider.unavailableReason(settings(Device.CPU, ComputePrecision.FLOAT32, 1)));
        String reason = provider.unavailableReason(settings(Device.CPU, ComputePrecision.BF16, 1)).orElseThrow();
        String platform = NativeFiles.platform();
        assertTrue(reason.contains("oneDNN") && reason.contains("org.bytedeco:dnnl:3.11-1.5.13:" + platform)
                && reason.contains("org.bytedeco:opencl:3.0-1.5.13:" + platform), reason);
        assertFalse(reason.contains("openblas"), reason);
    }

    @Test
    void missingNativeLibraryIsReportedNotThrown() throws Exception {
        // A class path without the native jars: the provider must say so, and open() must fail cleanly.
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            BlasBackendProvider provider = new BlasBackendProvider(empty, Optional.empty());
            BackendSettings cpu = settings(Device.CPU, ComputePrecision.FLOAT32, 1);
            String reason = provider.unavailableReason(cpu).orElseThrow();
            String platform = NativeFiles.platform();
            assertTrue(reason.contains("not on the class path") && reason.contains("org.bytedeco:openblas:0.3.31-1.5.13:" + platform)
                    && reason.contains("org.bytedeco:javacpp:1.5.13:" + platform), reason);
            assertFalse(reason.contains("\n"));
            SuperscopeException e = assertThrows(SuperscopeException.class, () -> provider.open(cpu));
            assertEquals(1, e.exitCode());
            assertEquals(reason, e.getMessage());
        }
    }

    @Test
    void describeNamesTheKernelsTheEnvironmentAndTheThreads() {
        BlasBackendProvider provider = new BlasBackendProvider();
        try (Backend one = provider.open(settings(Device.CPU, ComputePrecision.FLOAT32, 1))) {
            String line = one.describe();
            assertTrue(line.startsWith("OpenBLAS 0.3.31"), line);
            assertTrue(line.contains("kernels " + OpenBlasLibrary.coreName() + " ("), line);
            assertTrue(line.contains("; 1 thread;"), line);
            String pinned = System.getenv("OPENBLAS_CORETYPE");
            if (pinned != null && !pinned.isBlank()) {
                assertTrue(line.contains("OPENBLAS_CORETYPE=" + pinned), line);
            } else {
                assertTrue(line.contains("OpenBLAS's pick for this CPU"), line);
            }
        }
        // Threads are OpenBLAS's, process-wide: leave them as the other tests expect.
        try (Backend all = provider.open(settings(Device.CPU, ComputePrecision.FLOAT32, THREADS))) {
            assertTrue(all.describe().contains("; " + THREADS + " thread"), all.describe());
        }
    }
}
