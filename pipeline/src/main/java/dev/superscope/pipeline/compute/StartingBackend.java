package dev.superscope.pipeline.compute;

import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.compute.Backend;
import dev.superscope.plugins.compute.BackendProvider;
import dev.superscope.plugins.compute.BackendSettings;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * A backend that is opened once, when first needed or earlier in the background, and closed with this
 * object.
 *
 * <p>Why in the background: loading a native library can take most of a second (PyTorch's static
 * constructors take about 0.6 s, OpenBLAS through javacpp about 0.15 s), which can overlap with opening
 * the checkpoint and the Java-only row scan. When a backend says it may not start early
 * ({@link BackendProvider#startsEarly()}: PyTorch, whose constructors hold the dynamic loader's lock),
 * {@link #startEarly()} does nothing and the caller starts it once the checkpoint is open.
 */
public final class StartingBackend implements Supplier<Backend>, AutoCloseable {
    private final BackendProvider provider;
    private final BackendSettings settings;
    private CompletableFuture<Backend> opening;

    public StartingBackend(BackendProvider provider, BackendSettings settings) {
        this.provider = provider;
        this.settings = settings;
    }

    /** The provider this backend comes from. */
    public BackendProvider provider() {
        return provider;
    }

    /** Starts the backend now if it may start before the checkpoint is open (see above); returns at once. */
    public void startEarly() {
        if (provider.startsEarly()) {
            startInBackground();
        }
    }

    /** Starts opening the backend on a background thread, unless it was started already. Returns at once. */
    public synchronized void startInBackground() {
        if (opening == null) {
            opening = CompletableFuture.supplyAsync(() -> provider.open(settings), runnable -> {
                Thread t = new Thread(runnable, "superscope-backend-start");
                t.setDaemon(true);
                t.start();
            });
        }
    }

    /** The backend, opening it now or waiting for the background start. */
    @Override
    public Backend get() {
        CompletableFuture<Backend> f;
        synchronized (this) {
            if (opening == null) {
                opening = CompletableFuture.completedFuture(null).thenApply(x -> provider.open(settings));
            }
            f = opening;
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SuperscopeException(1, "interrupted while starting the " + provider.name() + " backend");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SuperscopeException s) {
                throw s;
            }
            throw new SuperscopeException(1, "cannot start the " + provider.name() + " backend: " + cause, cause);
        }
    }

    /**
     * Waits for a start under way (a process must not exit while a native library is still initialising:
     * its static destructors would run under the loading thread) and closes the backend.
     */
    @Override
    public void close() {
        CompletableFuture<Backend> f;
        synchronized (this) {
            f = opening;
        }
        if (f == null) {
            return;
        }
        try {
            Backend b = f.join();
            if (b != null) {
                b.close();
            }
        } catch (RuntimeException ignored) {
            // a start that failed has nothing to close; get() reported it
        }
    }
}
