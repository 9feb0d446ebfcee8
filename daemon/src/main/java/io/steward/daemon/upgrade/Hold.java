package io.steward.daemon.upgrade;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds a few threads where they stand for a hand-over: each runs {@link #task()} (queued on it),
 * which says it is held and waits until {@link #release}. Queued behind their current work, so
 * each is held between two pieces of it, never in the middle of one.
 */
public final class Hold {
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();

    /** A task that holds the thread it runs on; one per thread. */
    public Runnable task() {
        asked.incrementAndGet();
        return () -> {
            held.incrementAndGet();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** Waits until every thread given a task is held; false at {@code patience}. */
    public boolean await(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (held.get() < asked.get()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
        return true;
    }

    /** Lets every held thread go on (the hand-over did not happen). */
    public void release() {
        released.countDown();
    }
}
