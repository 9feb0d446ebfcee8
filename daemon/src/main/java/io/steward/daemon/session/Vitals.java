package io.steward.daemon.session;

import io.steward.api.ErrorCode;
import io.steward.api.SessionInfo;
import io.steward.api.StewardException;
import io.steward.heartbeat.Origin;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a session's own signs of life say: readiness and status from sd_notify, and the time of the
 * last proof that it is alive (an accepted VLP beat from its tree, or a {@code WATCHDOG=1}). A
 * session whose proofs stop for longer than its threshold is stalled, once per silence run. The
 * threshold applies from the first proof or {@code READY=1}: a program still starting up is not
 * held to it (a slow JVM would otherwise be restarted forever); until then it has its start
 * timeout, as systemd's {@code TimeoutStartSec=}, so one that never gives a first proof is stalled
 * too.
 *
 * <p>Written by the heartbeat thread (and reset by a restart); read by anyone. Every field is
 * volatile and written whole, so readers never lock and the beat path never waits.
 */
public final class Vitals {
    /** No threshold, no notify socket: a session that says nothing and is not expected to. */
    static Vitals unwatched() {
        return new Vitals(0, 0, 0, StallAction.NONE, false);
    }

    /** Why a session is stalled: it fell silent, or it never spoke within its start timeout. */
    public enum Stall {
        SILENT, START_TIMEOUT;

        public String wire() {
            return this == SILENT ? "silent" : "start-timeout";
        }
    }

    private volatile long thresholdNanos;
    /** How long a watched session may take to give its first proof of life; 0 for no limit. */
    private final long startTimeoutNanos;
    private final long watchdogMicros;
    private final StallAction onStall;
    /** Started with {@code --notify}: the session is expected to say {@code READY=1}. */
    private final boolean notify;

    private volatile long lastProofNanos = System.nanoTime();
    /** The clock runs from the first proof of life (or READY=1), as systemd's watchdog does after start-up. */
    private volatile boolean armed;
    private volatile int lastProofPid;
    private volatile Origin lastOrigin;
    private volatile boolean foreignNamespace;
    private volatile long beats;
    private volatile boolean stalled;
    private volatile int stalls;
    private volatile long lastActionNanos;
    private volatile boolean ready;
    private volatile CompletableFuture<Boolean> readiness = new CompletableFuture<>();
    private volatile String status;
    private volatile boolean stopping;
    private volatile int mainPid;
    private volatile long mainPidStart;
    private volatile int errno;
    /** Said {@code RELOADING=1} and not yet {@code READY=1} again. */
    private volatile boolean reloading;
    /** How many times it said {@code RELOADING=1}: a user's reload waits for one more than when it asked. */
    private volatile long reloadsBegun;
    private final AtomicReference<ReloadWait> reloadWait = new AtomicReference<>();

    /** A user's reload: done once {@code RELOADING=1} came after {@code begunBefore} of them, then {@code READY=1}. */
    private record ReloadWait(long begunBefore, CompletableFuture<Boolean> done) {}

    /**
     * @param thresholdNanos silence after which the session is stalled; 0: not watched
     * @param startTimeoutNanos how long the first proof may take; 0 for no limit
     * @param watchdogMicros the {@code WATCHDOG_USEC} the session is given; 0 for none
     */
    Vitals(long thresholdNanos, long startTimeoutNanos, long watchdogMicros, StallAction onStall, boolean notify) {
        this.thresholdNanos = thresholdNanos;
        this.startTimeoutNanos = startTimeoutNanos;
        this.watchdogMicros = watchdogMicros;
        this.onStall = onStall;
        this.notify = notify;
    }

    /**
     * What the session's heartbeats and notify messages have told so far, for a daemon that takes
     * over; the clocks are {@link System#nanoTime}, which counts on across an execve.
     */
    public void handOver(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeLong(thresholdNanos);
        out.writeLong(lastProofNanos);
        out.writeBoolean(armed);
        out.writeInt(lastProofPid);
        out.writeUTF(lastOrigin == null ? "" : lastOrigin.name());
        out.writeBoolean(foreignNamespace);
        out.writeLong(beats);
        out.writeBoolean(stalled);
        out.writeInt(stalls);
        out.writeLong(lastActionNanos);
        out.writeBoolean(ready);
        io.steward.core.Handover.writeString(out, status);
        out.writeBoolean(stopping);
        out.writeInt(mainPid);
        out.writeLong(mainPidStart);
        out.writeInt(errno);
        out.writeBoolean(reloading);
        out.writeLong(reloadsBegun);
    }

    public void takeOver(java.io.DataInputStream in) throws java.io.IOException {
        thresholdNanos = in.readLong();
        lastProofNanos = in.readLong();
        armed = in.readBoolean();
        lastProofPid = in.readInt();
        String origin = in.readUTF();
        lastOrigin = origin.isEmpty() ? null : Origin.valueOf(origin);
        foreignNamespace = in.readBoolean();
        beats = in.readLong();
        stalled = in.readBoolean();
        stalls = in.readInt();
        lastActionNanos = in.readLong();
        ready = in.readBoolean();
        if (ready) {
            readiness.complete(true);
        }
        status = io.steward.core.Handover.readString(in);
        stopping = in.readBoolean();
        mainPid = in.readInt();
        mainPidStart = in.readLong();
        errno = in.readInt();
        reloading = in.readBoolean();
        reloadsBegun = in.readLong();
    }

    /** What to do when it stalls ({@code --on-stall}). */
    public StallAction onStall() {
        return onStall;
    }

    /** Started with {@code --notify}: it is expected to say {@code READY=1}, and only then is it ready. */
    public boolean expectsReady() {
        return notify;
    }

    /** A new threshold ({@code WATCHDOG_USEC=} sent by the program itself); 0 stops watching. */
    public void threshold(long nanos) {
        thresholdNanos = Math.max(0, nanos);
    }

    public boolean watched() {
        return thresholdNanos > 0;
    }

    /**
     * A proof of life from {@code pid}, over {@code origin}, from a process in another PID namespace
     * than the daemon's or not. Returns true when it ends a stall.
     */
    public boolean proof(int pid, Origin origin, boolean crossNamespace, long now) {
        lastProofNanos = now;
        lastProofPid = pid;
        lastOrigin = origin;
        foreignNamespace = crossNamespace;
        armed = true;
        beats++;
        if (stalled) {
            stalled = false;
            return true;
        }
        return false;
    }

    /**
     * Non-null once per silence run, when the silence first passes what it may last: the threshold
     * after a first proof, the start timeout before one.
     */
    public Stall stallDue(long now) {
        if (thresholdNanos == 0 || stalled) {
            return null;
        }
        long limit = armed ? thresholdNanos : startTimeoutNanos;
        if (limit == 0 || now - lastProofNanos <= limit) {
            return null;
        }
        stalled = true;
        stalls++;
        return armed ? Stall.SILENT : Stall.START_TIMEOUT;
    }

    /** The silence allowed now: the threshold after the first proof, the start timeout before it. */
    public long limitNanos() {
        return armed ? thresholdNanos : startTimeoutNanos;
    }

    /**
     * The daemon could not watch for {@code gapNanos} until {@code now} (it was stopped, or starved
     * of CPU): what it did not see is no evidence of silence. After a first proof the session gets
     * a whole threshold from now, as its beats meanwhile may have been dropped at a full queue;
     * before one, the start timeout is moved on by the gap.
     */
    public void clockGap(long now, long gapNanos) {
        if (armed) {
            if (now - lastProofNanos > 0) {
                lastProofNanos = now;
            }
        } else {
            lastProofNanos += gapNanos;
        }
    }

    /**
     * Whether a recovery may act now. Actions are at least one threshold apart, so a session that
     * keeps stalling right after each recovery is not restarted in a tight loop.
     */
    public boolean mayAct(long now) {
        if (lastActionNanos != 0 && now - lastActionNanos < thresholdNanos) {
            return false;
        }
        lastActionNanos = now;
        return true;
    }

    /** Pushes the deadline out ({@code EXTEND_TIMEOUT_USEC}): the session is busy, not stuck. */
    public void extend(long micros, long now) {
        long until = now + micros * 1000 - limitNanos();
        if (until > lastProofNanos) {
            lastProofNanos = until;
        }
    }

    /**
     * A new process in the session: silence, readiness and status start over. Who waits for
     * readiness since the session was started again ({@link #starting}) goes on waiting.
     */
    public void restarted(long now) {
        lastProofNanos = now;
        armed = false;
        stalled = false;
        ready = false;
        reloading = false;
        status = null;
        stopping = false;
        mainPid = 0;
        mainPidStart = 0;
        starting();
    }

    /** A next process is on its way: readiness is the next one's to tell. */
    void starting() {
        if (readiness.isDone()) {
            readiness = new CompletableFuture<>();
        }
    }

    /** {@code READY=1}: call {@link #announceReady} once the {@code ready} event is out. */
    public void ready(long now) {
        if (!armed) {
            lastProofNanos = now;
            armed = true;
        }
        ready = true;
    }

    /**
     * Wakes whoever waits for readiness; after the {@code ready} event was published, so what a
     * waiter starts next (an apply's dependent app) comes after it in the event stream.
     */
    public void announceReady() {
        readiness.complete(true);
    }

    /** Completes with true when the session becomes ready, false when its process ends first. */
    public CompletableFuture<Boolean> readiness() {
        return readiness;
    }

    /** Its process ended: who waits for its readiness, or for its reload to end, hears false. */
    public void notReady() {
        readiness.complete(false);
        ReloadWait w = reloadWait.getAndSet(null);
        if (w != null) {
            w.done().complete(false);
        }
    }

    /**
     * A user asks it to reload: completes with true once it says {@code RELOADING=1} and then
     * {@code READY=1}, after this call; with false when its process ends first.
     *
     * @throws StewardException {@code conflict} while another user's reload waits
     */
    public CompletableFuture<Boolean> reloadAsked(String id) {
        ReloadWait w = new ReloadWait(reloadsBegun, new CompletableFuture<>());
        if (!reloadWait.compareAndSet(null, w)) {
            throw new StewardException(ErrorCode.CONFLICT, "session " + id + " is reloading already");
        }
        return w.done();
    }

    /** A reload's wait gave up: the next one may ask. */
    public void reloadAbandoned(CompletableFuture<Boolean> done) {
        ReloadWait w = reloadWait.get();
        if (w != null && w.done() == done) {
            reloadWait.compareAndSet(w, null);
        }
    }

    /**
     * {@code RELOADING=1}. Readiness stays as it was, as systemd keeps a reloading unit active, and
     * the stall clock runs on untouched: only proofs of life move it.
     */
    public void reloading() {
        reloadsBegun++;
        reloading = true;
    }

    /** {@code READY=1}: true when it ends a reload, whose {@code reloaded} event is then to be published. */
    public boolean reloadDone() {
        if (!reloading) {
            return false;
        }
        reloading = false;
        return true;
    }

    /** Wakes a user's reload waiting for this one; after the {@code reloaded} event was published. */
    public void announceReloaded() {
        ReloadWait w = reloadWait.get();
        if (w != null && reloadsBegun > w.begunBefore() && reloadWait.compareAndSet(w, null)) {
            w.done().complete(true);
        }
    }

    public boolean isReady() {
        return ready;
    }

    public void status(String text) {
        status = text.isEmpty() ? null : text;
    }

    public String status() {
        return status;
    }

    public void stopping() {
        stopping = true;
    }

    /** {@code MAINPID=}: a process of the tree, started at {@code startTicks}. */
    public void mainPid(int pid, long startTicks) {
        mainPidStart = startTicks;
        mainPid = pid;
    }

    /** Whether {@code pid}, started at {@code startTicks}, is the main pid the session named. */
    public boolean isMainPid(int pid, long startTicks) {
        return pid != 0 && pid == mainPid && startTicks == mainPidStart;
    }

    /** The pid the session named with {@code MAINPID=}, or 0. */
    int mainPid() {
        return mainPid;
    }

    public void errno(int e) {
        errno = e;
    }

    public boolean stalled() {
        return stalled;
    }

    public int stalls() {
        return stalls;
    }

    public int lastProofPid() {
        return lastProofPid;
    }

    /** The origin of the last proof, null before the first. */
    public Origin lastOrigin() {
        return lastOrigin;
    }

    /** Whether the last proof came from another PID namespace, where our pids mean other processes. */
    public boolean crossNamespace() {
        return foreignNamespace;
    }

    public long silentNanos(long now) {
        return now - lastProofNanos;
    }

    /** {@code STOPPING=1}: the program said it is shutting down. */
    boolean saidStopping() {
        return stopping;
    }

    /** What the session's heartbeats and sd_notify messages say, as the API describes it. */
    SessionInfo.Heartbeat heartbeat(long now) {
        return new SessionInfo.Heartbeat(notify ? ready : null, status,
                thresholdNanos > 0 ? millis(thresholdNanos) : null,
                thresholdNanos > 0 && startTimeoutNanos > 0 ? millis(startTimeoutNanos) : null, onStall.wire(),
                stalled, stalls, beats > 0 ? millis(now - lastProofNanos) : null, mainPid != 0 ? mainPid : null,
                errno != 0 ? errno : null, notify ? reloading : null);
    }

    /** Whole milliseconds, as the API counts them. */
    private static Duration millis(long nanos) {
        return Duration.ofMillis(Duration.ofNanos(nanos).toMillis());
    }
}
