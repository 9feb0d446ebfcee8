package io.steward.daemon;

import io.steward.api.DaemonEvent;
import io.steward.api.ErrorCode;
import io.steward.api.HealthInfo;
import io.steward.api.ResurrectResult;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import io.steward.core.Leftovers;
import io.steward.core.ProcessRuntime;
import io.steward.daemon.apps.Apply;
import io.steward.daemon.apps.Resurrection;
import io.steward.daemon.beats.Heartbeats;
import io.steward.daemon.http.Backend;
import io.steward.daemon.session.AuditLog;
import io.steward.daemon.session.Caller;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.SessionIds;
import io.steward.daemon.session.SessionRegistry;
import io.steward.daemon.state.Journal;
import io.steward.daemon.supervision.Reaper;
import io.steward.daemon.supervision.Checkpoints;
import io.steward.daemon.supervision.Sessions;
import io.steward.daemon.supervision.UsageSampler;
import io.steward.sys.Libc;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * One user's daemon: the runtime, the session registry, the journal, the audit log, the event
 * stream and the reaper, wired together. The HTTP layer sits on top and only calls {@link Sessions}.
 */
public final class Daemon implements Backend, AutoCloseable {
    public static final String VERSION = "0.1.0";
    public static final int DEFAULT_QUOTA = 256;

    private final StewardHome home;
    private final HomeLock lock;
    private final ProcessRuntime runtime;
    private final Journal journal;
    private final Events events = new Events();
    private final AuditLog audit;
    private final SessionRegistry registry;
    private final Sessions sessions;
    private final Checkpoints checkpoints;
    private final Apply apply;
    private final Resurrection resurrection;
    private final Reaper reaper;
    private final UsageSampler sampler;
    private final Heartbeats heartbeats;
    private final Instant startedAt;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;
    private boolean released;
    /** Times this daemon was replaced in place since it started. */
    private final long upgrades;
    private volatile String lastUpgradeFailure;
    /** When the daemon before this one stopped serving ({@link System#nanoTime}), or 0 after a plain start. */
    private final long handedOverAtNanos;
    private final String handedOverBy;
    private volatile DaemonUpgrade upgrader;
    /** What sets the sessions taken over going, once the API serves ({@link #tookOver}). */
    private Runnable sessionsGo;

    private Daemon(StewardHome home, int quota, Duration tick, SessionIds ids, Heartbeats.Config beats) {
        this(home, quota, tick, ids, beats, null);
    }

    /** @param state what the daemon before this one handed over (same pid, an execve ago), or null */
    private Daemon(StewardHome home, int quota, Duration tick, SessionIds ids, Heartbeats.Config beats,
            io.steward.daemon.upgrade.StateFile state) {
        this.home = home;
        HomeDir.prepare(home);
        DaemonState before = state != null ? DaemonState.read(state) : null;
        this.startedAt = before != null ? before.startedAt() : Instant.now();
        // A build that took over again after its successor failed to is not an upgrade: it says why instead.
        String failedSuccessor = before != null ? System.getenv(Fallback.FAILED) : null;
        this.lastUpgradeFailure = failedSuccessor;
        this.upgrades = before == null ? 0 : failedSuccessor != null ? before.upgrades() : before.upgrades() + 1;
        this.handedOverAtNanos = before != null ? before.stoppedServingNanos() : 0;
        this.handedOverBy = before != null ? before.version() : null;
        // Before the journal is read: a second daemon must never take the first one's live
        // sessions for leftovers of a crash. A daemon taking over holds it already, through its predecessor's descriptor.
        this.lock = before != null ? HomeLock.adopt(home, before.lockFd()) : HomeLock.acquire(home);
        if (before != null) {
            ids = new SessionIds(before.idKey());
        }
        Journal j = null;
        ProcessRuntime r = null;
        try {
            j = new Journal(home.file("state.db"));
            r = before != null ? ProcessRuntime.createForTakeOver() : ProcessRuntime.create();
        } catch (RuntimeException e) {
            if (j != null) {
                j.close();
            }
            if (before == null) {
                lock.close(); // a daemon taking over keeps it: the build before it may take over again
            }
            throw e;
        }
        this.journal = j;
        this.runtime = r;
        this.audit = new AuditLog(home.file("audit.log"));
        this.registry = new SessionRegistry(quota, ids);
        this.heartbeats = new Heartbeats(home, beats, registry, events, state != null);
        this.sessions = new Sessions(runtime, registry, events, audit, journal, heartbeats, home.file("logs"));
        this.apply = new Apply(sessions);
        this.resurrection = new Resurrection(sessions, apply);
        this.checkpoints = new Checkpoints(sessions, home.dir());
        if (state != null) {
            this.sessionsGo = DaemonState.takeOver(state, this);
        } else {
            recoverLeftovers();
        }
        // The network row is negotiated now, by one sock_diag dump, not by the first request; a
        // daemon taking over does it beside its start, which its predecessor's clients wait on.
        if (state == null) {
            io.steward.core.Capabilities.network();
        } else {
            Thread.ofVirtual().name("steward-network-probe").start(io.steward.core.Capabilities::network);
        }
        this.reaper = new Reaper(registry, events, tick);
        reaper.every(sessions.book().deferred()::retry);
        reaper.every(sessions.activity()::flushSuppressed);
        this.sampler = new UsageSampler(registry, UsageSampler.configuredPeriod());
        reaper.every(sampler);
    }

    /** A daemon with the defaults; {@code STEWARD_MAX_SESSIONS} overrides the quota of live sessions. */
    public static Daemon open(StewardHome home) {
        return open(home, null, false);
    }

    /**
     * A daemon with the defaults and these heartbeat options.
     *
     * @param beatsUdp where to listen for UDP beats, or null for no UDP listener
     * @param allowUnverifiedRecovery let UDP beats, which nobody attests, trigger recovery
     */
    public static Daemon open(StewardHome home, java.net.InetSocketAddress beatsUdp, boolean allowUnverifiedRecovery) {
        return new Daemon(home, quotaFromEnvironment(), Reaper.TICK, new SessionIds(),
                new Heartbeats.Config(beatsUdp, allowUnverifiedRecovery));
    }

    private static int quotaFromEnvironment() {
        String quota = System.getenv("STEWARD_MAX_SESSIONS");
        if (quota == null) {
            return DEFAULT_QUOTA;
        }
        try {
            return Integer.parseInt(quota.trim());
        } catch (NumberFormatException e) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "STEWARD_MAX_SESSIONS: not a number: " + quota);
        }
    }

    static Daemon open(StewardHome home, int quota, Duration tick) {
        return new Daemon(home, quota, tick, new SessionIds(), Heartbeats.Config.DEFAULT);
    }

    /** For tests of the usage history: a tick and a sample period shorter than a person's. */
    static Daemon open(StewardHome home, Duration tick, Duration samplePeriod) {
        Daemon d = new Daemon(home, DEFAULT_QUOTA, tick, new SessionIds(), Heartbeats.Config.DEFAULT);
        d.sampler.period(samplePeriod);
        return d;
    }

    /** For tests that need ids of a chosen shape (colliding prefixes). */
    static Daemon open(StewardHome home, SessionIds ids) {
        return new Daemon(home, DEFAULT_QUOTA, Reaper.TICK, ids, Heartbeats.Config.DEFAULT);
    }

    static Daemon open(StewardHome home, Heartbeats.Config beats) {
        return new Daemon(home, DEFAULT_QUOTA, Reaper.TICK, new SessionIds(), beats);
    }

    /** Ends the trees a crashed predecessor left running, and reports each as an event. */
    private void recoverLeftovers() {
        for (Journal.Entry e : journal.entries()) {
            java.util.Map<Integer, Long> escapees = new java.util.HashMap<>();
            for (Journal.Pid m : journal.escapees(new Journal.Pid(e.pid(), e.startTicks()))) {
                escapees.put(m.pid(), m.startTicks());
            }
            List<Integer> killed = Leftovers.terminate(e.pid(), e.startTicks(), e.originator(), escapees,
                    Duration.ofSeconds(2));
            sessions.book().ended(e.pid(), e.startTicks());
            List<Long> pids = killed.stream().map(Integer::longValue).toList();
            events.publish((seq, at) -> new DaemonEvent.LeftoverKilled(seq, at, e.pid(), e.argv0(), e.auditTag(), pids));
            audit.record(Caller.DAEMON, "recover", e.auditTag(), "killed:" + killed.size());
        }
    }

    @Override
    public StewardHome home() {
        return home;
    }

    @Override
    public Sessions sessions() {
        return sessions;
    }

    Events events() {
        return events;
    }

    /** Starts the saved apps meant to run, as the daemon itself. */
    ResurrectResult resurrect() {
        return resurrection.resurrect(Caller.DAEMON);
    }

    @Override
    public Checkpoints checkpoints() {
        return checkpoints;
    }

    @Override
    public Apply apply() {
        return apply;
    }

    @Override
    public Resurrection resurrection() {
        return resurrection;
    }

    Heartbeats heartbeats() {
        return heartbeats;
    }

    @Override
    public Duration samplePeriod() {
        return sampler.period();
    }

    /** Runs {@code chore} on every reaper tick (by default every 2 s) while the daemon lives. */
    @Override
    public void everyTick(Runnable chore) {
        reaper.every(chore);
    }

    @Override
    public HealthInfo health() {
        return new HealthInfo(closed ? HealthInfo.Status.STOPPING : HealthInfo.Status.OK, VERSION, Libc.getpid(),
                Duration.between(startedAt, Instant.now()),
                registry.list(false, null).size(), home.dir().toString(), events.lastSeq(), upgrades,
                lastUpgradeFailure, null);
    }

    /**
     * A daemon that took over from its predecessor: what {@link DaemonMain} runs with
     * {@code --resume-fd}, and the upgrade tests. The sessions, their processes and rings, the event
     * stream and the counters are the predecessor's, as it handed them over.
     */
    static Daemon takeOver(StewardHome home, io.steward.daemon.upgrade.StateFile state,
            java.net.InetSocketAddress beatsUdp, boolean allowUnverifiedRecovery) {
        return new Daemon(home, quotaFromEnvironment(), Reaper.TICK, null, // its ids are keyed as the predecessor's
                new Heartbeats.Config(beatsUdp, allowUnverifiedRecovery), state);
    }

    /** The new daemon serves: the event that says it was replaced, and how long nobody was served. */
    void tookOver() {
        if (handedOverAtNanos == 0) {
            return;
        }
        sessionsGo.run();
        String failed = lastUpgradeFailure;
        if (failed != null) {
            events.publish((seq, at) -> new DaemonEvent.UpgradeFailed(seq, at, failed));
            System.err.println("steward: " + failed + " (pid " + Libc.getpid() + ")");
            return;
        }
        Duration window = Duration.ofNanos(System.nanoTime() - handedOverAtNanos);
        String from = handedOverBy;
        long n = upgrades;
        events.publish((seq, at) -> new DaemonEvent.Upgraded(seq, at, from, VERSION, window, n));
        audit.record(Caller.DAEMON, "upgraded", null, from + "->" + VERSION + ":" + window.toMillis() + "ms");
        // Where the window went: the old daemon until its execve, this JVM's start, then the take-over itself.
        long jvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        System.err.println("steward: daemon " + VERSION + " took over from " + from + " in " + window.toMillis()
                + " ms (handed over in " + (window.toMillis() - jvm) + " ms, this JVM serving after " + jvm + " ms; pid "
                + Libc.getpid() + ", upgrade " + n + ", " + registry.all().size() + " sessions)");
    }

    /** Lets this daemon be replaced in place ({@code daemon upgrade}); only a daemon run as its own program can. */
    void replaceable(DaemonUpgrade upgrader) {
        this.upgrader = upgrader;
    }

    @Override
    public io.steward.api.UpgradeStarted upgrade(Caller caller, java.util.List<String> command) {
        DaemonUpgrade u = upgrader;
        if (u == null) {
            throw new StewardException(ErrorCode.UNSUPPORTED,
                    "this daemon runs inside another program; only a daemon started by `steward daemon run` can be replaced in place");
        }
        lastUpgradeFailure = null; // from now on, a failure is this upgrade's
        return u.begin(caller, command);
    }

    void upgradeFailed(String reason) {
        lastUpgradeFailure = reason;
        events.publish((seq, at) -> new DaemonEvent.UpgradeFailed(seq, at, reason));
        audit.record(Caller.DAEMON, "upgrade", null, "failed");
    }

    long upgrades() {
        return upgrades;
    }

    Instant startedAt() {
        return startedAt;
    }

    ProcessRuntime runtime() {
        return runtime;
    }

    Reaper reaper() {
        return reaper;
    }

    HomeLock lock() {
        return lock;
    }

    AuditLog audit() {
        return audit;
    }

    /** Stops every session (soft, then hard, whole trees) and lets {@link #awaitStop} return. */
    @Override
    public void shutdown(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        events.publish((seq, at) -> new DaemonEvent.Stopping(seq, at, grace));
        var exits = registry.list(false, null).stream().map(s -> s.stopUnlessEnded(grace)).toList();
        // One deadline for all: the stops run together, and whatever is left is killed on close.
        long deadline = System.nanoTime() + grace.toNanos() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        for (var f : exits) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // killed on close below
            }
        }
        stopped.countDown();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        if (released) {
            return; // closed twice (by a test, then by its fixture) closes once
        }
        released = true;
        closed = true;
        reaper.close();
        sessions.close();
        checkpoints.close();
        heartbeats.close();
        runtime.close();
        journal.close();
        lock.close(); // last: until every tree is gone, no other daemon may take the home
        stopped.countDown();
    }
}
