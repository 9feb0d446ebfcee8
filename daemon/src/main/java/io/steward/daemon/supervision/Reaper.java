package io.steward.daemon.supervision;

import io.steward.api.SessionEvent;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.RunRequest;
import io.steward.daemon.session.Session;
import io.steward.daemon.session.SessionRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The periodic tick (default 2 s): enforces max lifetime and idle timeout with a soft-then-hard
 * stop (never a bare SIGKILL), releases exited sessions past their retention, and samples memory.
 */
public final class Reaper implements AutoCloseable {
    public static final Duration TICK = Duration.ofSeconds(2);

    private final SessionRegistry registry;
    private final Events events;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("steward-reaper").daemon(true).factory());
    private final Set<String> limited = ConcurrentHashMap.newKeySet();
    /** Other upkeep run on each tick (retrying deferred writes, keeping the socket in place). */
    private final List<Runnable> chores = new CopyOnWriteArrayList<>();
    /** Peak memory is sampled every this many ticks: a /proc read per session per tick would be most of an idle daemon's CPU. */
    static final int RSS_SAMPLE_TICKS = 15;
    private long ticks;

    public Reaper(SessionRegistry registry, Events events, Duration tick) {
        this.registry = registry;
        this.events = events;
        timer.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code chore} on every tick from now on; its failure is its own, never the tick's. */
    public void every(Runnable chore) {
        chores.add(chore);
    }

    void tick() {
        for (Runnable chore : chores) {
            try {
                chore.run();
            } catch (RuntimeException e) {
                // tried again next tick
            }
        }
        long now = System.nanoTime();
        boolean sample = ticks++ % RSS_SAMPLE_TICKS == 0;
        for (Session s : registry.all()) {
            try {
                if (s.live()) {
                    if (sample) {
                        s.process().peakRssBytes();
                    }
                    enforce(s, now);
                } else if (s.ended() && now - s.endedNanos() >= s.request().retain().toNanos()) {
                    registry.remove(s, "retention");
                }
            } catch (RuntimeException e) {
                // one session's trouble must not stop the tick for the others
            }
        }
    }

    private void enforce(Session s, long now) {
        RunRequest r = s.request();
        String reason = r.maxLifetime() != null && now - s.createdNanos() >= r.maxLifetime().toNanos() ? "max-lifetime"
                : r.idleTimeout() != null && s.idleNanos() >= r.idleTimeout().toNanos() ? "idle-timeout" : null;
        if (reason != null && limited.add(s.key())) {
            events.publish((seq, at) -> new SessionEvent.Limit(seq, at, s.id(), s.name(), reason, r.grace()));
            s.stopForGood(r.grace()); // a limit's stop is final: no recovery or policy brings it back
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
