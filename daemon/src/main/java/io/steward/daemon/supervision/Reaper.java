package io.steward.daemon.supervision;

import io.steward.api.RestartMode;
import io.steward.api.SessionEvent;
import io.steward.api.SessionState;
import io.steward.core.TreeUsage;
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
 * stop (never a bare SIGKILL), releases exited sessions past their retention, samples memory, and
 * restarts (or stops) a session whose whole tree stays above its {@code --max-memory}.
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
    /** Session key -> how many samples in a row its tree was over its memory limit. Reaper thread only. */
    private final java.util.Map<String, Integer> overMemory = new java.util.HashMap<>();

    public Reaper(SessionRegistry registry, Events events, Duration tick) {
        this.registry = registry;
        this.events = events;
        timer.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} on the tick's thread (a hand-over holds it there). */
    public void onTickThread(Runnable task) {
        timer.execute(task);
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
                    limitMemory(s);
                } else {
                    overMemory.remove(s.key());
                    if (s.ended() && now - s.endedNanos() >= s.request().retain().toNanos()) {
                        registry.remove(s, "retention");
                    }
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

    /**
     * One sample of a limited session's tree: two in a row over the limit restart it through the
     * stall recovery's path when it has a restart policy, else stop it for good with its grace. One
     * sample over is not enough: a short peak (a fork before exec, a burst) is no leak.
     */
    private void limitMemory(Session s) {
        Long limit = s.request().maxMemory();
        if (limit == null || s.state() != SessionState.RUNNING) {
            overMemory.remove(s.key());
            return;
        }
        TreeUsage usage = s.process().treeUsage(Duration.ZERO);
        if (usage.rssBytes() <= limit) {
            overMemory.remove(s.key());
            return;
        }
        if (overMemory.merge(s.key(), 1, Integer::sum) < MEMORY_SAMPLES) {
            return;
        }
        overMemory.remove(s.key());
        boolean restart = s.request().restart().mode() != RestartMode.NEVER;
        long pid = s.process().pid();
        events.publish((seq, at) -> new SessionEvent.MemoryExceeded(seq, at, s.id(), s.name(), pid, usage.rssBytes(),
                limit, usage.processes(), restart ? "restart" : "stop"));
        if (restart) {
            s.recover("memory");
        } else {
            s.stopUnlessEnded(s.request().grace());
        }
    }

    /** Samples in a row over the limit that make a session over it. */
    static final int MEMORY_SAMPLES = 2;

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
