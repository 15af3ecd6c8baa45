package dev.superscope.checkpoints.hub;

import dev.superscope.plugins.SuperscopeException;
import java.nio.file.Path;

/**
 * What a remote tensor store needs to fetch bytes: the tensor cache, the client (null when offline) and
 * where progress goes.
 */
record RemoteAccess(TensorCache cache, HubClient client, DownloadListener listener) {
    boolean offline() {
        return client == null;
    }

    /** The error for something an offline run needed and did not find. */
    static SuperscopeException offlineMiss(String what, Path lookedFor) {
        return new SuperscopeException(SuperscopeException.NETWORK, "offline (--offline or HF_HUB_OFFLINE=1): " + what
                + " is not cached (looked for " + lookedFor + "); run once with network access to fetch it");
    }
}
