package dev.superscope.backend.blas;

import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.testing.BackendContract;

/** The backend-neutral contract, run on OpenBLAS (its bf16 cases on oneDNN, where the CPU has BF16 dot products). */
class BlasBackendContractTest extends BackendContract {
    @Override
    protected BackendProvider provider() {
        return new BlasBackendProvider();
    }
}
