package io.steward.client;

import io.steward.api.LockHolder;
import java.nio.file.Path;

/**
 * The wait through a daemon's in-place upgrade: while the daemon is replaced by a new one under the
 * same pid, it answers {@code 503 upgrading} and its connections end, yet it keeps the home's lock.
 * A client that sees either tries again, pausing 10 ms doubling to 100 ms, for up to
 * {@link #LIMIT_MS} in all; one whose daemon let the lock go (stopped, crashed) has nothing to wait for.
 */
public final class UpgradeWait {
    /** How long a client keeps trying through one upgrade before it reports the failure it saw last. */
    public static final long LIMIT_MS = 30_000;
    private static final long FIRST_PAUSE_MS = 10;
    private static final long MAX_PAUSE_MS = 100;

    private final long deadline = System.nanoTime() + LIMIT_MS * 1_000_000;
    private long pause = FIRST_PAUSE_MS;

    /**
     * Pauses before the next try.
     *
     * @return false, without pausing, once {@link #LIMIT_MS} has gone by (or the thread was interrupted)
     */
    public boolean pause() {
        if (System.nanoTime() - deadline > 0) {
            return false;
        }
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        pause = Math.min(pause * 2, MAX_PAUSE_MS);
        return true;
    }

    /**
     * Whether {@code e} is how a daemon in the middle of its replacement fails a request: it answered
     * {@code upgrading}, nothing answered, or the connection ended before the answer did.
     */
    public static boolean passing(io.steward.api.StewardException e) {
        return switch (e) {
            case DaemonUnreachableException u -> true;
            case ProtocolException p -> p.endedEarly();
            default -> e.code() == io.steward.api.ErrorCode.UPGRADING || e.getCause() instanceof java.io.IOException;
        };
    }

    /** Whether a daemon holds {@code lock} (null: never), so a lost connection may be an upgrade rather than its end. */
    public static boolean daemonHolds(Path lock) {
        return lock != null && LockHolder.of(lock) != LockHolder.NONE;
    }
}
