package dev.superscope.backend.torch;

import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.testing.BackendContract;

/** The backend-neutral contract, run on PyTorch (its BF16 cases skip: DJL cannot hold bfloat16 arrays). */
class TorchBackendContractTest extends BackendContract {
    @Override
    protected BackendProvider provider() {
        return new TorchBackendProvider();
    }
}
