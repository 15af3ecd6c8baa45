package dev.superscope.backend.blas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * When this backend offers {@code --precision bf16}: oneDNN's native library is on the class path and
 * the CPU has BF16 dot products. Without them oneDNN would still multiply bfloat16 by converting it to
 * float32, which gives BF16's error at float32's speed, so the precision is refused instead.
 */
final class Bf16Support {
    /** The Linux {@code /proc/cpuinfo} flags of x86 CPUs with BF16 dot products. */
    static final List<String> CPU_FLAGS = List.of("avx512_bf16", "amx_bf16");
    static final String NO_BF16_CPU = "this CPU has no BF16 dot products (avx512_bf16 or amx_bf16), so --precision "
            + "bf16 would be no faster than float32; use --precision float32";
    /** Enough of /proc/cpuinfo for the first processor's flags. */
    private static final int CPUINFO_BYTES = 64 * 1024;

    private Bf16Support() {
    }

    /** Why bf16 cannot run here, or empty when it can (or when only loading oneDNN can tell). */
    static Optional<String> unavailableReason(ClassLoader resources, Optional<String> cpuFlags) {
        Optional<String> missing = NativeFiles.missingOneDnn(resources, NativeFiles.platform());
        if (missing.isPresent()) {
            return missing;
        }
        return cpuFlags.filter(flags -> !hasBf16(flags)).map(flags -> NO_BF16_CPU);
    }

    /** Whether a {@code flags} line of /proc/cpuinfo names a BF16 dot-product feature. */
    static boolean hasBf16(String flags) {
        for (String flag : flags.toLowerCase(Locale.ROOT).split("\\s+")) {
            if (CPU_FLAGS.contains(flag)) {
                return true;
            }
        }
        return false;
    }

    /** The first {@code flags} line of /proc/cpuinfo, or empty where there is none (not Linux on x86). */
    static Optional<String> cpuFlags(Path cpuinfo) {
        try (InputStream in = Files.newInputStream(cpuinfo)) {
            String text = new String(in.readNBytes(CPUINFO_BYTES), StandardCharsets.US_ASCII);
            for (String line : text.split("\n")) {
                if (line.startsWith("flags")) {
                    int colon = line.indexOf(':');
                    return Optional.of(colon < 0 ? "" : line.substring(colon + 1));
                }
            }
            return Optional.empty();
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
