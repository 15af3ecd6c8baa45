package dev.superscope.plugins.compute;

import dev.superscope.plugins.SuperscopeException;
import java.util.Locale;

/** Where a backend computes: {@code --device auto|cpu|cuda}. */
public enum Device {
    /** A GPU when the backend finds one, else the CPU. */
    AUTO,
    CPU,
    CUDA;

    /** The device named {@code text} ({@code auto}, {@code cpu}, {@code cuda}); anything else is a usage error. */
    public static Device parse(String text) {
        for (Device d : values()) {
            if (d.label().equals(text == null ? "" : text.toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new SuperscopeException(SuperscopeException.USAGE, "unknown device \"" + text
                + "\"; devices: auto, cpu, cuda");
    }

    /** The name on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
