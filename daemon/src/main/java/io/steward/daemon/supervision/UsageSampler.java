package io.steward.daemon.supervision;

import io.steward.core.TreeUsage;
import io.steward.daemon.session.Session;
import io.steward.daemon.session.SessionRegistry;
import java.time.Duration;

/**
 * A chore of the reaper's tick: every period (10 s by default), each running session's tree CPU
 * and memory go into its {@link io.steward.daemon.session.UsageHistory}. Reads /proc as
 * {@code GET /v1/sessions/{id}} does, and nothing else.
 */
public final class UsageSampler implements Runnable {
    /** The default period; {@code -Dsteward.samplePeriodMs} sets another (tests, a finer chart). */
    public static final Duration PERIOD = Duration.ofSeconds(10);

    private final SessionRegistry registry;
    private volatile long periodNanos;
    private long lastNanos;
    private boolean sampled;

    public UsageSampler(SessionRegistry registry, Duration period) {
        this.registry = registry;
        this.periodNanos = period.toNanos();
    }

    /** The period {@code steward.samplePeriodMs} asks for, else {@link #PERIOD}. */
    public static Duration configuredPeriod() {
        long ms = Long.getLong("steward.samplePeriodMs", PERIOD.toMillis());
        return Duration.ofMillis(Math.max(1, ms));
    }

    public Duration period() {
        return Duration.ofNanos(periodNanos);
    }

    /** Samples every {@code period} from the next tick on. */
    public void period(Duration period) {
        this.periodNanos = period.toNanos();
    }

    @Override
    public void run() {
        long now = System.nanoTime();
        // Ticks come at their own pace: a tenth early is on time, or a 10 s period on 2 s ticks would take 12 s.
        if (sampled && now - lastNanos < periodNanos - periodNanos / 10) {
            return;
        }
        sampled = true;
        lastNanos = now;
        long epochMs = System.currentTimeMillis();
        for (Session s : registry.all()) {
            if (s.live()) {
                TreeUsage u = s.treeUsage();
                s.usage().add(epochMs, now, u.cpuMicros(), u.rssBytes());
            }
        }
    }
}
