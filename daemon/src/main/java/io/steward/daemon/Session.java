package io.steward.daemon;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.core.ExitStatus;
import io.steward.core.ManagedProcess;
import io.steward.core.ProcessSpec;
import io.steward.core.Ring;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One daemon-owned session: a process plus what the daemon knows about it. */
final class Session {
    /** A client attached to a session; the writer among them is told when another steals the session. */
    interface Attachment {
        void stolen();
    }

    final String id;
    final String key;
    final String auditTag;
    final RunRequest request;
    /** The current process; a restart replaces it, keeping the rings. */
    volatile ManagedProcess process;
    /** Readiness, status and liveness as the session's heartbeats and sd_notify messages tell them. */
    final Vitals vitals;
    private volatile int restarts;
    private volatile ExitStatus lastExit;
    /** Set by a stop, kill or shutdown that someone asked for: no recovery may undo it. */
    private volatile boolean stopRequested;
    /** A stall restart is stopping the current process: its exit is not the session's end. */
    private volatile boolean recovering;
    private volatile java.util.concurrent.Future<?> pendingRestart;
    private volatile boolean errored;
    private final Backoff backoff = new Backoff();
    final Instant createdAt = Instant.now();
    final long createdNanos = System.nanoTime();
    private volatile long lastClientNanos = System.nanoTime();
    private volatile long exitedNanos;
    /** The one client whose input and window size reach the session, or null; guarded by this. */
    private Attachment attached;
    /** Read-only clients: any number, never in the way of the writer nor of each other; guarded by this. */
    private final java.util.Set<Attachment> watchers = new java.util.HashSet<>();

    /** The writers of its log files, or null when it has none. */
    volatile SessionLog log;
    /** The session's VLP socket ({@code STEWARD_BEAT_SOCKET}), its own for as long as it is registered. */
    final SessionSocket beats;
    /** The session's sd_notify socket, or null. */
    final SessionSocket notify;

    Session(String id, String key, String auditTag, RunRequest request, ManagedProcess process, Vitals vitals,
            SessionSocket beats, SessionSocket notify) {
        this.beats = beats;
        this.notify = notify;
        this.id = id;
        this.key = key;
        this.auditTag = auditTag;
        this.request = request;
        this.process = process;
        this.vitals = vitals;
    }

    /** Puts the restarted process in place of the one that exited with {@code exit}. */
    void restarted(ManagedProcess next, ExitStatus exit) {
        lastExit = exit;
        process = next;
        restarts++;
        exitedNanos = 0;
    }

    int restarts() {
        return restarts;
    }

    /** Someone stops the session: no restart may follow, and one waiting in backoff is called off. */
    void requestStop() {
        stopRequested = true;
        java.util.concurrent.Future<?> pending = pendingRestart;
        if (pending != null) {
            pending.cancel(false);
            pendingRestart = null;
            markExited();
        }
    }

    /**
     * Stops the current process (soft, then hard, whole tree) for good: marked first, under the
     * session's lock, so no restart already under way can bring it back.
     */
    synchronized java.util.concurrent.CompletableFuture<ExitStatus> stopForGood(java.time.Duration grace) {
        requestStop();
        return process.stop(grace);
    }

    /** {@link #stopForGood} with SIGKILL at once. */
    synchronized void killForGood() {
        requestStop();
        process.kill();
    }

    void recovering(boolean on) {
        recovering = on;
    }

    boolean recovering() {
        return recovering;
    }

    /** A restart waiting out its backoff; null when there is none. */
    void pendingRestart(java.util.concurrent.Future<?> f) {
        pendingRestart = f;
    }

    boolean restartPending() {
        return pendingRestart != null;
    }

    /** Restarting gave up (too many within the window): the session has ended for good. */
    void errored() {
        errored = true;
        markExited();
    }

    boolean isErrored() {
        return errored;
    }

    Backoff backoff() {
        return backoff;
    }

    boolean stopRequested() {
        return stopRequested;
    }

    String name() {
        return request.name();
    }

    boolean live() {
        return process.phase() != ManagedProcess.Phase.EXITED;
    }

    /** Running, or waiting out a backoff to run again: it holds its name and counts against the quota. */
    boolean active() {
        return live() || pendingRestart != null;
    }

    /** Client activity (input, resize, attach) for the idle timeout. */
    void touch() {
        lastClientNanos = System.nanoTime();
    }

    /** Nanos since the last output or client activity. */
    long idleNanos() {
        return System.nanoTime() - Math.max(lastClientNanos, process.lastOutputNanos());
    }

    /**
     * True once the session has ended for good with {@code p} as its last process: no restart is
     * wanted (the policy declined, someone stopped it) or coming (it errored, a restart failed).
     * False while {@code p} runs, or a restart by policy or for a stall is pending or under way.
     */
    boolean endedWith(ManagedProcess p) {
        return process == p && p.phase() == ManagedProcess.Phase.EXITED
                && (exitedNanos != 0 || errored || stopRequested && pendingRestart == null && !recovering);
    }

    /**
     * Waits until the process after {@code ended} is in place, or the session ends for good.
     *
     * @param timeoutNanos how long at most; {@code Long.MAX_VALUE} for no limit
     * @param gone true when the one waiting has gone away meanwhile
     * @return the successor; null when the session ended with {@code ended}, or the timeout or
     *     {@code gone} came first
     */
    ManagedProcess awaitSuccessor(ManagedProcess ended, long timeoutNanos, java.util.function.BooleanSupplier gone)
            throws InterruptedException {
        // A restart waits out a backoff of up to 30 s, and an exit's bookkeeping runs on another
        // thread a moment after it: a short poll sees either without a listener per waiter.
        long start = System.nanoTime();
        while (!gone.getAsBoolean() && System.nanoTime() - start < timeoutNanos) {
            ManagedProcess now = process;
            if (now != ended) {
                return now;
            }
            if (endedWith(ended)) {
                return null;
            }
            Thread.sleep(FATE_POLL_MILLIS);
        }
        return null;
    }

    private static final long FATE_POLL_MILLIS = 20;

    void markExited() {
        exitedNanos = System.nanoTime();
    }

    long exitedNanos() {
        return exitedNanos;
    }

    /**
     * Adds {@code a} to the session's clients. A read-only one only watches: it is always let in and
     * evicts nobody. A writer is the attached client: without {@code steal} a second one is refused
     * with {@code already-attached}; with it the current writer (never a watcher) is told it was stolen.
     *
     * @return the client that was evicted, or null
     */
    synchronized Attachment attach(Attachment a, boolean readOnly, boolean steal) {
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

    synchronized void detach(Attachment a) {
        if (attached == a) {
            attached = null;
        }
        watchers.remove(a);
    }

    /** True while a writer is attached; watchers do not count. */
    synchronized boolean attached() {
        return attached != null;
    }

    /** How many read-only clients watch now. */
    synchronized int watchers() {
        return watchers.size();
    }

    Map<String, Object> view() {
        ExitStatus exit = process.exitStatus().orElse(null);
        Ring out = process.stdout();
        Ring err = process.stderr().orElse(null);
        ProcessSpec.PtySize size = process.ptySize();
        long nanos = System.nanoTime();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", request.name());
        m.put("label", request.label());
        m.put("kind", process.isPty() ? "pty" : "pipe");
        m.put("argv", request.spec().argv());
        m.put("pid", process.pid());
        m.put("phase", exit == null ? "running" : errored ? "errored" : "exited");
        m.put("restartPending", pendingRestart != null);
        m.put("stopping", process.phase() == ManagedProcess.Phase.STOPPING);
        m.put("exitCode", exit != null ? exit.exitCode() : null);
        m.put("signal", exit != null ? exit.signalName() : null);
        m.put("outcome", exit != null ? exit.outcome() : null);
        m.put("startedAt", createdAt.toString());
        m.put("ageMs", (nanos - createdNanos) / 1_000_000);
        m.put("idleMs", idleNanos() / 1_000_000);
        m.put("bufferedBytes", out.buffered() + (err != null ? err.buffered() : 0));
        m.put("droppedBytes", out.dropped() + (err != null ? err.dropped() : 0));
        // A full backpressure ring holds the child in write(2) until a consumer (log writer, client) frees it.
        m.put("blocked", exit == null && (out.full() || err != null && err.full()));
        m.put("stdinOpen", process.stdin().map(s -> s.isOpen()).orElse(false));
        m.put("attached", attached());
        m.put("watchers", watchers());
        m.put("rows", size != null ? size.rows() : null);
        m.put("cols", size != null ? size.cols() : null);
        m.put("cpuMs", process.cpuMicros() / 1000);
        m.put("peakRssBytes", process.peakRssBytes());
        m.put("restarts", restarts);
        ExitStatus last = lastExit;
        m.put("lastExit", last == null ? null : io.steward.api.Json.object("exitCode", last.exitCode(),
                "signal", last.signalName(), "outcome", last.outcome()));
        vitals.describe(m, nanos);
        return m;
    }
}
