package dev.superscope.backend.blas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The javacpp, OpenBLAS and oneDNN versions this module was built against (from the parent pom, through a
 * filtered resource), for messages that tell the user which artifact to put on the class path.
 */
final class Versions {
    static final String JAVACPP;
    static final String OPENBLAS;
    static final String DNNL;
    static final String OPENCL;

    static {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JAVACPP = p.getProperty("javacpp", "?");
        OPENBLAS = p.getProperty("openblas", "?");
        DNNL = p.getProperty("dnnl", "?");
        OPENCL = p.getProperty("opencl", "?");
    }

    private Versions() {
    }
}
