package io.steward.daemon.session;

import io.steward.api.ErrorCode;
import io.steward.api.SessionInfo;
import io.steward.api.SessionState;
import io.steward.api.StewardException;
import io.steward.core.ExitStatus;
import io.steward.core.ManagedProcess;
import io.steward.core.ProcessSpec;
import io.steward.core.Ring;
import io.steward.core.TreeUsage;
import java.time.Duration;
import java.time.Instant;

/** One daemon-owned session: a process plus what the daemon knows about it. */
public final class Session {
    /**
     * A tree reading younger than this answers a request, so a burst of {@code ls} reads /proc once.
     * Shorter than top's shortest interval (100 ms): a refresh must see a fresh reading, or the cpu %
     * it computes from two readings would be 0.
     */
    private static final Duration TREE_USAGE_AGE = Duration.ofMillis(50);
    /** Set under the lifecycle's lock with the step to {@code recovering}, read by the step's listener. */
    private volatile String recoveryReason = "stall";
    /** A client attached to a session; the writer among them is told when another steals the session. */
    public interface Attachment {
        void stolen();

        /** The daemon is being replaced in place: the client is let go (WebSocket 1012) and comes back. */
        default void upgrading() {}
    }

    private final String id;
    private final String key;
    private final String auditTag;
    private final RunRequest request;
    /** Its state and its current process: a restart replaces the process, keeping the rings. */
    private final Lifecycle<ManagedProcess> life;
    private final Vitals vitals;
    private final UsageHistory usage = new UsageHistory();
    private volatile ExitStatus lastExit;
    private final Backoff backoff = new Backoff();
    private volatile Instant createdAt = Instant.now();
    private volatile long createdNanos = System.nanoTime();
    private volatile long lastClientNanos = System.nanoTime();
    /** The one client whose input and window size reach the session, or null; guarded by this. */
    private Attachment attached;
    /** Read-only clients: any number, never in the way of the writer nor of each other; guarded by this. */
    private final java.util.Set<Attachment> watchers = new java.util.HashSet<>();

    /** The writers of its log files, or null when it has none. */
    private volatile SessionLog log;

    /** Hears every step of a session's life, under its lifecycle's lock (see {@link Lifecycle}). */
    public interface Steps {
        void moved(Session s, Lifecycle.Step step, Lifecycle.Told told);
    }

    /** @param steps hears every step of its life */
    public Session(String id, String key, String auditTag, RunRequest request, ManagedProcess process, Vitals vitals,
            Steps steps) {
        this.id = id;
        this.key = key;
        this.auditTag = auditTag;
        this.request = request;
        this.life = new Lifecycle<>(process, (step, p, told) -> steps.moved(this, step, told));
        this.vitals = vitals;
    }

    /**
     * What the daemon knows of the session beyond its request and process, for a daemon that takes
     * over: its times, its state and restarts, its backoff, its last exit and its vitals.
     */
    public void handOver(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeLong(createdAt.getEpochSecond());
        out.writeInt(createdAt.getNano());
        out.writeLong(createdNanos);
        out.writeLong(lastClientNanos);
        io.steward.core.Handover.writeExit(out, lastExit);
        out.writeUTF(recoveryReason);
        life.handOver(out);
        backoff.handOver(out);
        vitals.handOver(out);
    }

    /** Takes what {@link #handOver} wrote; before anyone else can see the session. */
    public void takeOver(java.io.DataInputStream in) throws java.io.IOException {
        createdAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
        createdNanos = in.readLong();
        lastClientNanos = in.readLong();
        lastExit = io.steward.core.Handover.readExit(in);
        recoveryReason = in.readUTF();
        life.takeOver(in);
        backoff.takeOver(in);
        vitals.takeOver(in);
    }

    public String id() {
        return id;
    }

    /** The registry's key: a keyed hash of the id. */
    public String key() {
        return key;
    }

    /** What the audit log shows of the id; it also names the session's own sockets. */
    public String auditTag() {
        return auditTag;
    }

    public RunRequest request() {
        return request;
    }

    /** The last hour of its tree's CPU and memory, a sample per period. */
    public UsageHistory usage() {
        return usage;
    }

    /** Readiness, status and liveness as the session's heartbeats and sd_notify messages tell them. */
    public Vitals vitals() {
        return vitals;
    }

    /**
     * Its state and current process, for whoever takes a step of its life (supervision, release):
     * a step that depends on what the session is now holds this object's lock.
     */
    public Lifecycle<ManagedProcess> lifecycle() {
        return life;
    }

    /** When it was created ({@link System#nanoTime}). */
    public long createdNanos() {
        return createdNanos;
    }

    /** The current process. */
    public ManagedProcess process() {
        return life.process();
    }

    public SessionState state() {
        return life.state();
    }

    public SessionLog log() {
        return log;
    }

    public void log(SessionLog l) {
        this.log = l;
    }

    /** Puts the restarted process in place of the one that exited with {@code exit}. */
    public boolean restarted(ManagedProcess next, ExitStatus exit, Lifecycle.Told told) {
        synchronized (life) {
            if (!life.allows(Lifecycle.Cause.STARTED)) {
                return false;
            }
            lastExit = exit;
            return life.started(next, told);
        }
    }

    public int restarts() {
        return life.restarts();
    }

    /**
     * Stops the current process (soft, then hard, whole tree) for good: the step to {@code stopping}
     * comes first, under the lifecycle's lock, so no restart under way can bring it back. A session
     * waiting to restart ends there, with nothing to stop.
     *
     * @throws StewardException {@code conflict} when the session has ended already
     */
    public java.util.concurrent.CompletableFuture<ExitStatus> stopForGood(java.time.Duration grace) {
        synchronized (life) {
            ManagedProcess p = stopStep();
            if (p == null) {
                return process().onExit();
            }
            try {
                return p.stop(grace);
            } catch (StewardException exitedMeanwhile) {
                return p.onExit(); // its exit takes the stopping session to exited
            }
        }
    }

    /**
     * A recovery restart ({@code --on-stall restart}, or a tree over {@code --max-memory}): the step to {@code recovering}, then the tree is
     * stopped with the session's grace; its exit takes the session to {@code starting}, and its
     * supervisor starts the next process from there. Returns at once.
     *
     * @param reason what the next process's {@code restarted} event names: {@code stall} or {@code memory}
     * @return false when the session is not running (someone stopped it, or it is restarting already)
     */
    public boolean recover(String reason) {
        ManagedProcess old;
        synchronized (life) {
            if (!life.move(Lifecycle.Cause.STALL, Lifecycle.Told.NOTHING)) {
                return false;
            }
            recoveryReason = reason; // read at the step to starting, which only this recovery's exit takes
            old = process();
        }
        try {
            old.stop(request.grace());
        } catch (StewardException exitedMeanwhile) {
            // its exit takes the session on to starting all the same
        }
        return true;
    }

    /**
     * A user's restart: the step to {@code restarting}, then the tree is stopped with {@code grace};
     * its exit takes the session to {@code starting}, and its supervisor starts the same spec again
     * there, as for a stall restart. An ended (not released) session steps to {@code starting} at
     * once: the caller has checked that it may live again (quota). Returns at once.
     *
     * @throws StewardException {@code conflict} when the session is stopping or restarting already,
     *     or waiting for a policy restart
     */
    public void restart(java.time.Duration grace) {
        ManagedProcess old;
        synchronized (life) {
            SessionState was = life.state();
            if (!life.move(Lifecycle.Cause.USER_RESTART, Lifecycle.Told.NOTHING)) {
                throw new StewardException(ErrorCode.CONFLICT, "session " + id + " is " + was.wire()
                        + ", not running or ended");
            }
            // the user stepped in: an errored session gets its restarts again, and no delay carries over
            backoff.reset();
            if (was.ended()) {
                return;
            }
            old = process();
        }
        try {
            old.stop(grace);
        } catch (StewardException exitedMeanwhile) {
            // its exit takes the session on to starting all the same
        }
    }

    /**
     * A user's start: an ended (not released) session steps to {@code starting}, and its
     * supervisor starts the same spec again there, as for a restart of an ended session; the caller
     * has checked that it may live again (quota). A session alive (running, or on its way to running
     * again) is left as it is.
     *
     * @return false when it was alive: nothing changed
     * @throws StewardException {@code conflict} when it is stopping: it would end, not run
     */
    public boolean start() {
        synchronized (life) {
            SessionState was = life.state();
            if (!life.move(Lifecycle.Cause.USER_START, Lifecycle.Told.NOTHING)) {
                if (was == SessionState.STOPPING) {
                    throw new StewardException(ErrorCode.CONFLICT, "session " + id
                            + " is stopping; start it once it has ended");
                }
                return false;
            }
            backoff.reset();
            // whoever now waits for its readiness waits for the next process's READY=1
            vitals.starting();
            return true;
        }
    }

    /** {@link #stopForGood}, or an end already there when the session has ended meanwhile. */
    public java.util.concurrent.CompletableFuture<ExitStatus> stopUnlessEnded(java.time.Duration grace) {
        try {
            return stopForGood(grace);
        } catch (StewardException ended) {
            return process().onExit();
        }
    }

    /**
     * A checkpoint has kept the images of its tree, which it left stopped: the tree is killed and
     * the session ends as by a stop, with the outcome {@code checkpointed}.
     */
    public java.util.concurrent.CompletableFuture<ExitStatus> endCheckpointed() {
        synchronized (life) {
            ManagedProcess p = stopStep();
            return p != null ? p.endCheckpointed() : process().onExit();
        }
    }

    /** {@link #stopForGood} with SIGKILL at once. */
    public void killForGood() {
        synchronized (life) {
            ManagedProcess p = stopStep();
            if (p != null && p.phase() != ManagedProcess.Phase.EXITED) {
                p.kill();
            }
        }
    }

    /** The process to stop, or null when the stop ended a session that had none running. */
    private ManagedProcess stopStep() {
        SessionState before = life.state();
        if (!life.move(Lifecycle.Cause.STOP, Lifecycle.Told.NOTHING)) {
            throw new StewardException(ErrorCode.CONFLICT, "session " + id + " has exited");
        }
        return before == SessionState.BACKOFF || before == SessionState.STARTING ? null : life.process();
    }

    /** Why the last recovery restart began: {@code stall} or {@code memory}. */
    public String recoveryReason() {
        return recoveryReason;
    }

    public Backoff backoff() {
        return backoff;
    }

    public String name() {
        return request.name();
    }

    /** Its current process has not exited (the session may still be about to restart it). */
    public boolean live() {
        return process().phase() != ManagedProcess.Phase.EXITED;
    }

    /** Not ended: it holds its name, counts against the quota, and cannot be removed. */
    public boolean active() {
        return !life.state().ended();
    }

    /** Ended for good: nothing will run in it again. */
    public boolean ended() {
        return life.state().ended();
    }

    /** Completes with the end state once the session has ended for good (through restarts). */
    public java.util.concurrent.CompletableFuture<SessionState> whenEnded() {
        return life.ended();
    }

    /** When it ended ({@link System#nanoTime}), or 0 while it has not. */
    public long endedNanos() {
        return life.endedNanos();
    }

    /** Ended for good, and not by anyone's stop: its policy let its exit stand, or it errored. */
    public boolean endedByItself() {
        return life.endedByItself();
    }

    /** Client activity (input, resize, attach) for the idle timeout. */
    public void touch() {
        lastClientNanos = System.nanoTime();
    }

    /** Nanos since the last output or client activity. */
    public long idleNanos() {
        return System.nanoTime() - Math.max(lastClientNanos, process().lastOutputNanos());
    }

    /** Completes with the process after {@code p}, or null once the session ended with {@code p} its last. */
    public java.util.concurrent.CompletableFuture<ManagedProcess> successorOf(ManagedProcess p) {
        return life.successorOf(p);
    }

    /**
     * Adds {@code a} to the session's clients. A read-only one only watches: it is always let in and
     * evicts nobody. A writer is the attached client: without {@code steal} a second one is refused
     * with {@code already-attached}; with it the current writer (never a watcher) is told it was stolen.
     *
     * @return the client that was evicted, or null
     */
    public synchronized Attachment attach(Attachment a, boolean readOnly, boolean steal) {
        if (readOnly) {
            watchers.add(a);
            touch();
            return null;
        }
        Attachment old = attached;
        if (old != null && !steal) {
            throw new StewardException(ErrorCode.ALREADY_ATTACHED, "session " + id + " already has a client attached; steal it to take over");
        }
        attached = a;
        touch();
        if (old != null) {
            old.stolen();
        }
        return old;
    }

    public synchronized void detach(Attachment a) {
        if (attached == a) {
            attached = null;
        }
        watchers.remove(a);
    }

    /** Every client, the writer first: a hand-over lets each go. */
    public synchronized java.util.List<Attachment> clients() {
        java.util.List<Attachment> all = new java.util.ArrayList<>();
        if (attached != null) {
            all.add(attached);
        }
        all.addAll(watchers);
        return all;
    }

    /** True while a writer is attached; watchers do not count. */
    public synchronized boolean attached() {
        return attached != null;
    }

    /** How many read-only clients watch now. */
    synchronized int watchers() {
        return watchers.size();
    }

    /** What its whole tree uses now, read again only when the last reading is older than a second. */
    public TreeUsage treeUsage() {
        return process().treeUsage(TREE_USAGE_AGE);
    }

    /** The session as the API describes it. */
    public SessionInfo info() {
        return info(null);
    }

    /** @param timedOut only a wait's answer says whether its timeout came first; null elsewhere */
    public SessionInfo info(Boolean timedOut) {
        ManagedProcess process = process();
        SessionState state = life.state();
        ExitStatus exit = process.exitStatus().orElse(null);
        Ring out = process.stdout();
        Ring err = process.stderr().orElse(null);
        ProcessSpec.PtySize size = process.ptySize();
        long nanos = System.nanoTime();
        ExitStatus last = lastExit;
        Duration cpu = Duration.ofMillis(process.cpuMicros() / 1000);
        long[] memory = process.memory();
        TreeUsage tree = treeUsage();
        return new SessionInfo(id, request.name(), request.label(),
                process.isPty() ? SessionInfo.Kind.PTY : SessionInfo.Kind.PIPE, request.spec().argv(), process.pid(),
                state, exit == null ? SessionInfo.Phase.RUNNING
                        : state == SessionState.ERRORED ? SessionInfo.Phase.ERRORED : SessionInfo.Phase.EXITED,
                state == SessionState.BACKOFF || state == SessionState.STARTING,
                process.phase() == ManagedProcess.Phase.STOPPING || vitals.saidStopping(),
                exit != null ? exit.exitCode() : null, exit != null ? exit.signalName() : null,
                exit != null ? exit.outcome() : null, createdAt, millis(nanos - createdNanos), millis(idleNanos()),
                out.buffered() + (err != null ? err.buffered() : 0), out.dropped() + (err != null ? err.dropped() : 0),
                // A full backpressure ring holds the child in write(2) until a consumer (log writer, client) frees it.
                exit == null && (out.full() || err != null && err.full()),
                process.stdin().map(s -> s.isOpen()).orElse(false), attached(), watchers(),
                size != null ? size.rows() : null, size != null ? size.cols() : null,
                cpu, memory[1], memory[0],
                exit == null ? Duration.ofMillis(tree.cpuMicros() / 1000) : cpu, tree.rssBytes(), tree.processes(),
                life.restarts(),
                last == null ? null : new SessionInfo.LastExit(last.exitCode(), last.signalName(), last.outcome()),
                request.reloadSignal().name(),
                vitals.heartbeat(nanos), timedOut);
    }

    /** Whole milliseconds, as the API counts them. */
    private static Duration millis(long nanos) {
        return Duration.ofMillis(nanos / 1_000_000);
    }
}
