package io.steward.store;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Runs a batch of tasks on the store's threads and waits for every one, so nothing still writes when a failure is cleaned up. */
final class Parallel {
    /** A task that may fail with an I/O error. */
    interface IoTask<T> {
        T call() throws IOException;
    }

    private Parallel() {}

    /** The results in task order; the first failure (in task order) is thrown once all have ended. */
    static <T> List<T> all(ExecutorService executor, List<IoTask<T>> tasks, String doing) {
        List<Callable<T>> callables = new ArrayList<>(tasks.size());
        for (IoTask<T> t : tasks) {
            callables.add(() -> {
                try {
                    return t.call();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        List<Future<T>> futures;
        try {
            futures = executor.invokeAll(callables);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StewardException(ErrorCode.INTERNAL, doing + ": interrupted", e);
        }
        List<T> out = new ArrayList<>(futures.size());
        for (Future<T> f : futures) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StewardException(ErrorCode.INTERNAL, doing + ": interrupted", e);
            } catch (ExecutionException e) {
                throw rethrow(e.getCause(), doing);
            }
        }
        return out;
    }

    private static RuntimeException rethrow(Throwable cause, String doing) {
        if (cause instanceof StewardException se) {
            return se;
        }
        if (cause instanceof UncheckedIOException io) {
            cause = io.getCause();
        }
        return new StewardException(ErrorCode.INTERNAL, doing + ": " + cause, cause);
    }
}
