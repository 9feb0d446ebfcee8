package io.steward.daemon.session;

import java.time.Duration;
import java.util.ArrayDeque;

/** A session's run of quick failures (for the delay) and its recent restarts (for the limit). */
public final class Backoff {
    private int attempt;
    private final ArrayDeque<Long> restarts = new ArrayDeque<>();

    /**
     * Counts a restart about to be scheduled.
     *
     * @param ranLong the process that ended had run long enough to count as healthy
     * @return the attempt number (0-based) in the current run of quick failures
     */
    public synchronized int next(boolean ranLong, long now) {
        if (ranLong) {
            attempt = 0;
        }
        restarts.addLast(now);
        return attempt++;
    }

    /** A user restarted the session: its crash loop, if it was in one, starts over. */
    public synchronized void reset() {
        attempt = 0;
        restarts.clear();
    }

    /** Restarts counted within {@code window} before {@code now}, the one being scheduled included. */
    public synchronized int within(Duration window, long now) {
        while (!restarts.isEmpty() && now - restarts.peekFirst() > window.toNanos()) {
            restarts.removeFirst();
        }
        return restarts.size() - 1;
    }
}
