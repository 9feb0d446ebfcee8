package io.steward.store;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Flushes the blobs of one put to disk and renames them into place, each on a virtual thread of
 * its own. An fsync waits for the disk, not the CPU: done here, the store's threads go on
 * compressing the next parts meanwhile, and the kernel commits concurrent flushes together.
 */
final class Flusher implements AutoCloseable {
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Future<?>> pending = new ArrayList<>();

    void syncThenRename(Path temp, Path target) {
        Future<?> f = threads.submit(() -> {
            AtomicFiles.syncThenRename(temp, target);
            return null;
        });
        synchronized (pending) {
            pending.add(f);
        }
    }

    /** Waits for every flush and rename; the first failure is thrown. */
    void awaitAll() {
        List<Future<?>> all;
        synchronized (pending) {
            all = List.copyOf(pending);
        }
        for (Future<?> f : all) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StewardException(ErrorCode.INTERNAL, "interrupted while flushing checkpoint blobs", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                String why = cause instanceof IOException ? cause.getMessage() : cause.toString();
                throw new StewardException(ErrorCode.INTERNAL, "cannot write a checkpoint blob: " + why, cause);
            }
        }
    }

    /** Waits for flushes still running (after a failure elsewhere), so none outlives its put. */
    @Override
    public void close() {
        threads.close();
    }
}
