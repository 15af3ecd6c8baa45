package dev.superscope.backend.blas;

import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.testing.BackendContract;

/** The backend-neutral contract, run on OpenBLAS (its BF16 cases skip: the backend has no BF16). */
class BlasBackendContractTest extends BackendContract {
    @Override
    protected BackendProvider provider() {
        return new BlasBackendProvider();
    }
}
