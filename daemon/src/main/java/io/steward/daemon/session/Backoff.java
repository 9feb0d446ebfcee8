package io.steward.daemon.session;

import java.time.Duration;
import java.util.ArrayDeque;

/** A session's run of quick failures (for the delay) and its recent restarts (for the limit). */
public final class Backoff {
    private int attempt;
    private final ArrayDeque<Long> restarts = new ArrayDeque<>();
    /** When the restart waiting now is due ({@link System#nanoTime}): a daemon taking over arms it again. */
    private volatile long dueNanos;

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

    /** The restart now waiting is due at {@code nanos}. */
    public void due(long nanos) {
        dueNanos = nanos;
    }

    public long dueNanos() {
        return dueNanos;
    }

    /** For a daemon that takes over: the attempt, the due time, and when the recent restarts were. */
    public synchronized void handOver(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(attempt);
        out.writeLong(dueNanos);
        io.steward.core.Handover.writeLongs(out, restarts.stream().mapToLong(Long::longValue).toArray());
    }

    public synchronized void takeOver(java.io.DataInputStream in) throws java.io.IOException {
        attempt = in.readInt();
        dueNanos = in.readLong();
        for (long at : io.steward.core.Handover.readLongs(in)) {
            restarts.addLast(at);
        }
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
