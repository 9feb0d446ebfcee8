package io.steward.core;

/**
 * A token bucket: {@code rate} events a second on average, bursts of up to {@code burst}. What it
 * refuses is counted, so a reader can say how many events were suppressed rather than lose them
 * silently. One per session; safe to share between threads.
 */
public final class EventBudget {
    public static final double DEFAULT_RATE = 200;
    public static final double DEFAULT_BURST = 400;

    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long refilledAt;
    private long suppressed;

    public EventBudget(double ratePerSecond, double burst) {
        if (!(ratePerSecond > 0) || !(burst >= 1)) {
            throw new IllegalArgumentException("rate must be > 0 and burst >= 1: " + ratePerSecond + ", " + burst);
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = System.nanoTime();
    }

    public EventBudget() {
        this(DEFAULT_RATE, DEFAULT_BURST);
    }

    /** Takes one token now; false (and one more suppressed) when the bucket is empty. */
    public boolean allow() {
        return allow(System.nanoTime());
    }

    /** As {@link #allow()} at {@code nanoTime} (a {@link System#nanoTime} reading). */
    public synchronized boolean allow(long nanoTime) {
        if (nanoTime > refilledAt) {
            tokens = Math.min(burst, tokens + (nanoTime - refilledAt) * ratePerNano);
            refilledAt = nanoTime;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        suppressed++;
        return false;
    }

    /** How many events were refused since the last call; reading resets the count. */
    public synchronized long suppressed() {
        long n = suppressed;
        suppressed = 0;
        return n;
    }
}
