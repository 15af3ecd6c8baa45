package dev.superscope.backend.blas;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_full;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The facts behind refusing BF16 ({@link Bf16Support}). When this fails, OpenBLAS on Maven Central
 * has gained a BF16 GEMM: implement the bf16 precision on it and delete this test.
 */
class BlasBf16Test {
    @Test
    void neitherTheBindingNorTheLibraryHasSbgemm() {
        OpenBlasLibrary.load();
        boolean bound = Arrays.stream(openblas_full.class.getDeclaredMethods()).map(Method::getName)
                .anyMatch(name -> name.startsWith("cblas_sb"));
        assertFalse(bound, "the javacpp binding now has cblas_sb* functions");
        assertNotNull(Loader.addressof("cblas_sgemm"), "symbols of the loaded library can be looked up");
        assertNull(Loader.addressof("cblas_sbgemm"), "libopenblas now exports cblas_sbgemm");
        assertNull(Loader.addressof("sbgemm_"), "libopenblas now exports sbgemm_");
    }

    @Test
    void reasonSaysWhatToDoInOneLine() {
        assertTrue(Bf16Support.UNAVAILABLE.contains("--precision float32"));
        assertFalse(Bf16Support.UNAVAILABLE.contains("\n"));
    }
}
