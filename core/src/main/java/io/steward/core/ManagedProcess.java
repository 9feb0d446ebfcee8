package io.steward.core;

import io.steward.api.ErrorCode;
import io.steward.api.Outcome;
import io.steward.api.StewardException;
import io.steward.sys.Libc;
import io.steward.sys.Pidfd;
import io.steward.sys.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A child owned by the runtime, from spawn to reap. Its life is a small state machine driven on
 * the I/O loop:
 *
 * <pre>
 *   RUNNING --stop--> STOPPING --grace expires: SIGKILL--> STOPPING
 *   RUNNING | STOPPING --exit observed on the pidfd--> EXITED (survivors killed, child reaped)
 *   STOPPING --exit observed within the grace, members left--> STOPPING (draining)
 *   STOPPING (draining) --tree empty, or grace expires: SIGKILL the rest--> EXITED (child reaped)
 * </pre>
 *
 * A stop's grace is the whole tree's: when the root exits before it runs out, the root stays
 * unreaped (its pid keeps pinning the group id) and the rest of the tree keeps its grace.
 */
public final class ManagedProcess {
    public enum Phase { RUNNING, STOPPING, EXITED }

    private final ProcessRuntime runtime;
    private final ProcessSpec spec;
    private final Launcher.Spawned spawned;
    private final ProcessTree tree;
    private final Instant startedAt;
    private final ProcessStreams streams;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

    private static final long CLOCK_TICKS = Libc.clockTicks();
    private volatile long startTicks;
    private volatile ProcessSpec.PtySize ptySize;
    private volatile long peakRssBytes;
    /** The latest whole-tree figures and when they were read: many requests within their age share one read. */
    private volatile TreeReading treeReading;

    private record TreeReading(TreeUsage usage, long nanos) {}

    // Termination state: changed under this object's monitor by the loop (stop, kill) and by
    // whichever thread observes the exit first (the loop, or a waiter watching the pidfd).
    private volatile Phase phase = Phase.RUNNING;
    private final StopClock stop = new StopClock();
    private IoLoop.Timer hardKillTimer;
    /** Set when the root exited during a stop's grace and the rest of its tree still has to end. */
    private TreeDrain drain;
    private final ExitWatch exitWatch;
    /** Set when a checkpoint's images are safe and the tree it left stopped is killed: the outcome says so. */
    private volatile boolean checkpointed;

    ManagedProcess(ProcessRuntime runtime, ProcessSpec spec, Launcher.Spawned spawned, ManagedProcess previous) {
        this.startedAt = Instant.now();
        this.runtime = runtime;
        this.spec = spec;
        this.spawned = spawned;
        this.ptySize = spec.pty();
        this.tree = new ProcessTree(spawned.pid(),
                spec.grouping() == ProcessSpec.Grouping.NEW_SESSION, spawned.originator(), runtime.view());
        this.streams = ProcessStreams.of(runtime.loop(), spec, spawned, previous != null ? previous.streams : null);
        this.exitWatch = new ExitWatch(this, runtime.loop(), spawned.pidfd(), streams.out, streams.err);
    }

    /**
     * A process a daemon before this one started and handed over ({@link Handover}): the same pid,
     * descriptors and rings; already exited when {@code exited} is not null.
     */
    ManagedProcess(ProcessRuntime runtime, ProcessSpec spec, Launcher.Spawned spawned, ProcessStreams streams,
            Instant startedAt, long startTicks, ProcessSpec.PtySize ptySize, long peakRssBytes, ExitStatus exited) {
        this.runtime = runtime;
        this.spec = spec;
        this.spawned = spawned;
        this.startedAt = startedAt;
        this.startTicks = startTicks;
        this.ptySize = ptySize;
        this.peakRssBytes = peakRssBytes;
        this.tree = new ProcessTree(spawned.pid(),
                spec.grouping() == ProcessSpec.Grouping.NEW_SESSION, spawned.originator(), runtime.view());
        this.streams = streams;
        this.exitWatch = new ExitWatch(this, runtime.loop(), spawned.pidfd(), streams.out, streams.err);
        if (exited != null) {
            phase = Phase.EXITED;
            tree.rootReaped();
            exit.complete(exited);
        }
    }

    /** True while the runtime is frozen for a hand-over: a waiter must not serve the descriptors itself. */
    boolean handingOver() {
        return runtime.frozen();
    }

    ExitWatch exitWatch() {
        return exitWatch;
    }

    ProcessStreams streams() {
        return streams;
    }

    /** Whether a stop or a drain is under way: such a process is not handed over (its clocks are the loop's). */
    synchronized boolean settled() {
        return phase != Phase.STOPPING && drain == null;
    }

    ProcessTree tree() {
        return tree;
    }

    Launcher.Spawned spawned() {
        return spawned;
    }

    /**
     * Dumps this process's tree with CRIU into {@code images}; CRIU's own output goes to {@code log}.
     * The tree is left stopped, for {@link #pendingStdin}, then {@link #resume} or {@link #endCheckpointed}.
     *
     * @throws Criu.Failure with CRIU's error line; the tree runs on as before
     */
    public CheckpointedTree checkpoint(Criu criu, java.nio.file.Path images, java.nio.file.Path log) {
        requireRunning();
        return TreeCheckpoint.dump(this, criu, images, log, runtime);
    }

    /** What the tree a checkpoint left stopped has yet to read of its stdin, in order; nothing is consumed. */
    public byte[] pendingStdin() {
        return TreeCheckpoint.pendingStdin(this, runtime.loop());
    }

    /** Ends a tree a checkpoint left stopped: SIGKILL to all of it, and the exit's outcome is {@code checkpointed}. */
    public CompletableFuture<ExitStatus> endCheckpointed() {
        checkpointed = true;
        return kill();
    }

    /** SIGCONT to the whole tree: a checkpoint that left it stopped could not keep its images. */
    public void resume() {
        runtime.offLoop(() -> tree.signal(Signal.CONT));
    }

    /**
     * Whether {@code pid} is this process, or a member the runtime's membership saw born into its
     * tree, alive or lately exited: a short-lived helper ({@code systemd-notify}) is gone before
     * its datagram is read, and /proc can no longer say whose it was.
     */
    public boolean hasOrHad(int pid) {
        return tree.hasOrHad(pid);
    }

    /**
     * {@link #hasOrHad}, asked again once the I/O loop has taken the membership's pending events:
     * a sender that forked, sent and exited at once (a {@code systemd-notify}) may be read before
     * its fork was, by a busy loop. Waits up to {@code patience} for the loop; any thread but it.
     */
    public boolean hasOrHadOnceCaughtUp(int pid, Duration patience) {
        return tree.hasOrHad(pid) || runtime.caughtUp(patience) && tree.hasOrHad(pid);
    }

    /** Registers the descriptors with the loop; the exit watch goes last so output is wired before it can end. */
    void start() {
        streams.start();
        exitWatch.start();
    }

    public int pid() {
        return spawned.pid();
    }

    public ProcessSpec spec() {
        return spec;
    }

    /** The tag exported to the child as {@code STEWARD_ORIGINATOR}. */
    public String originator() {
        return spawned.originator();
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** Start time in clock ticks after boot, from /proc: with the pid, a unique identity. */
    public long startTicks() {
        long t = startTicks;
        if (t == 0 && phase != Phase.EXITED) {
            // Read on demand, off the spawn path; the unreaped pid cannot have been recycled.
            t = startTicks = ProcStat.read(spawned.pid()).map(ProcStat::startTicks).orElse(0L);
        }
        return t;
    }

    public Phase phase() {
        return phase;
    }

    public boolean isPty() {
        return spawned.pty();
    }

    /** Output: stdout, stdout and stderr merged, or the terminal for a pty. */
    public Ring stdout() {
        return streams.stdout;
    }

    /** In which order stdout and stderr arrived; empty when stderr is not apart (a pty, or merged). */
    public Optional<ArrivalOrder> arrivalOrder() {
        return Optional.ofNullable(streams.order);
    }

    /** Separate stderr, or empty when merged or a pty. */
    public Optional<Ring> stderr() {
        return Optional.ofNullable(streams.stderr);
    }

    /** The stdin queue, or empty when stdin is not a pipe or terminal. */
    public Optional<StdinSink> stdin() {
        return Optional.ofNullable(streams.stdin);
    }

    /** Nanos (System.nanoTime) of the last byte of output, or of the start. */
    public long lastOutputNanos() {
        return streams.lastOutputNanos();
    }

    public CompletableFuture<ExitStatus> onExit() {
        return exit;
    }

    public Optional<ExitStatus> exitStatus() {
        return Optional.ofNullable(exit.getNow(null));
    }

    /**
     * Waits for the exit; empty when the timeout passes first. One waiter at a time watches the
     * pidfd itself and completes the exit on its own thread, so a caller blocked here is woken by the
     * kernel directly rather than through the loop.
     */
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
        exitWatch.await(System.nanoTime() + timeout.toNanos());
        return Optional.ofNullable(exit.getNow(null));
    }

    public ExitStatus waitFor() throws InterruptedException {
        return waitFor(Duration.ofMillis(Long.MAX_VALUE / 2_000_000)).orElseThrow();
    }

    /** Sends a signal to the process group. */
    public void signal(Signal signal) {
        requireRunning();
        runtime.loop().execute(() -> {
            if (phase != Phase.EXITED) {
                ProcessTree.signalGroup(spawned.pid(), signal.number());
            }
        });
    }

    /**
     * Sends a signal to the process started, not its group: what it tells (a reload) is the main
     * process's to pass on to its workers, as systemd's reload signal goes to the main process only.
     * Through the pidfd, so a pid reused after the exit is never hit.
     */
    public void signalMain(Signal signal) {
        requireRunning();
        runtime.loop().execute(() -> {
            if (phase != Phase.EXITED) {
                Pidfd.sendSignal(spawned.pidfd(), signal.number());
            }
        });
    }

    /**
     * Soft then hard: SIGTERM to the whole tree now, SIGKILL to what is left after {@code grace}.
     * Returns at once; the future completes with the exit, whose outcome says which step ended it.
     * A second stop while one is running keeps the first deadline.
     */
    public CompletableFuture<ExitStatus> stop(Duration grace) {
        runtime.loop().execute(() -> {
            synchronized (this) {
                if (phase != Phase.RUNNING) {
                    return;
                }
                phase = Phase.STOPPING;
                stop.begin(grace.toNanos());
                hardKillTimer = runtime.loop().schedule(stop.graceNanos(), this::hardKill);
            }
            runtime.offLoop(() -> tree.signal(Signal.TERM));
        });
        return exit;
    }

    /** SIGKILL to the whole tree at once. */
    public CompletableFuture<ExitStatus> kill() {
        runtime.loop().execute(() -> {
            synchronized (this) {
                if (phase == Phase.EXITED) {
                    return;
                }
                if (phase == Phase.RUNNING) {
                    phase = Phase.STOPPING;
                    stop.begin(0);
                }
            }
            hardKill();
        });
        return exit;
    }

    /** SIGKILL to the whole tree on the calling thread, for JVM shutdown when the loop may be gone. */
    void killTreeNow() {
        if (phase != Phase.EXITED) {
            tree.killAll();
        }
    }

    private void hardKill() {
        TreeDrain draining;
        synchronized (this) {
            if (phase == Phase.EXITED) {
                return;
            }
            stop.hardKillSent();
            if (drain == null && Pidfd.hasExited(spawned.pidfd()) && runtime.orphansPresent()) {
                // The root beat the deadline but its exit is not handled yet: what the kill finds
                // alive must count, as it would had the drain begun.
                exitWatch.leaveLoop(false);
                drainTree();
            }
            draining = drain;
        }
        if (draining != null) {
            draining.graceOver();
        } else {
            runtime.offLoop(tree::killAll);
        }
    }

    /** Sets the terminal size; the child gets SIGWINCH. */
    public void resize(int rows, int cols) {
        if (!spawned.pty()) {
            throw new StewardException(ErrorCode.UNSUPPORTED, "not a terminal session: cannot resize");
        }
        ProcessSpec.PtySize size = new ProcessSpec.PtySize(rows, cols);
        requireRunning();
        if (!streams.out.resizeTerminal(rows, cols)) {
            throw new StewardException(ErrorCode.CONFLICT, "the terminal of process " + spawned.pid() + " is closed");
        }
        ptySize = size;
    }

    /** The terminal's current size, or null for a pipe process. */
    public ProcessSpec.PtySize ptySize() {
        return ptySize;
    }

    /** CPU time used so far: sampled from /proc while running, from the reaped usage after. */
    public long cpuMicros() {
        ExitStatus e = exit.getNow(null);
        if (e != null) {
            return e.cpuMicros();
        }
        return ProcStat.read(spawned.pid()).map(st -> st.cpuTicks() * 1_000_000 / CLOCK_TICKS).orElse(0L);
    }

    /**
     * The largest resident set seen so far, sampled from /proc on each call while the process runs.
     * (The kernel's own figure is useless here: posix_spawn's vfork-style child inherits the JVM's
     * high-water mark.)
     */
    public long peakRssBytes() {
        return memory()[1];
    }

    /**
     * The resident set now and the largest seen so far, from one read of /proc (0 and the last peak
     * once the process has exited).
     */
    public long[] memory() {
        if (phase == Phase.EXITED) {
            return new long[] {0, peakRssBytes};
        }
        long[] now = ProcStat.memory(spawned.pid()); // VmRSS, VmHWM
        if (now[1] > peakRssBytes) {
            peakRssBytes = now[1];
        }
        return new long[] {now[0], peakRssBytes};
    }

    /** The resident set now, read from /proc; 0 once the process has exited. */
    public long rssBytes() {
        return memory()[0];
    }

    /**
     * What the whole tree (the root and its live members) uses, read again only when the last reading
     * is older than {@code maxAge}; {@link TreeUsage#NONE} once the process has exited.
     */
    public TreeUsage treeUsage(Duration maxAge) {
        if (phase == Phase.EXITED) {
            return TreeUsage.NONE;
        }
        long now = System.nanoTime();
        TreeReading last = treeReading;
        if (last != null && now - last.nanos() < maxAge.toNanos()) {
            return last.usage();
        }
        List<ProcStat> all = new ArrayList<>(tree.membersForFigures(maxAge.toNanos()));
        ProcStat.read(spawned.pid()).ifPresent(all::add);
        TreeUsage usage = TreeUsage.of(all);
        treeReading = new TreeReading(usage, now);
        return usage;
    }

    /** Live descendants, found by a fresh scan. */
    public List<ProcStat> descendants() {
        return tree.members();
    }

    private void requireRunning() {
        if (phase == Phase.EXITED) {
            throw new StewardException(ErrorCode.CONFLICT, "process " + spawned.pid() + " has exited");
        }
    }

    /**
     * Completes the exit if the child has exited: survivors are killed while the group id is still
     * ours (the unreaped root pins it), then the child is reaped. During a stop's grace survivors
     * are not killed but waited for (the root stays unreaped meanwhile). Runs on the loop when the
     * pidfd turns readable, or on a waiter that saw it first; whoever comes second finds it done.
     */
    synchronized void exited(boolean pidfdPolledReadable) {
        // The loop may hand us a stale event of an earlier fd with this number; a waiter's own poll cannot.
        if (phase == Phase.EXITED || drain != null
                || !pidfdPolledReadable && !Pidfd.hasExited(spawned.pidfd())) {
            return;
        }
        exitWatch.leaveLoop(pidfdPolledReadable);
        // One pread: with no orphan of ours anywhere, the root was the whole tree.
        boolean maybeSurvivors = runtime.orphansPresent();
        if (maybeSurvivors && phase == Phase.STOPPING && !stop.graceOver()) {
            drainTree();
            return;
        }
        complete(maybeSurvivors ? survivors() : List.of(), null);
    }

    /** The root has exited and is off the loop: it stays unreaped while the rest of the tree ends. */
    private void drainTree() {
        exitWatch.park();
        drain = new TreeDrain(runtime, tree, this::treeGone);
        drain.start();
    }

    /** The rest of the tree ended after the root: within the grace, or killed (then reported) at its end. */
    private synchronized void treeGone(List<ExitStatus.Leftover> killed) {
        if (phase == Phase.EXITED) {
            return;
        }
        exitWatch.leaveLoop(false); // on the loop: drops a registration a late waiter may have made
        complete(killed, killed.isEmpty() ? Outcome.SOFT_EXIT : Outcome.HARD_KILLED);
    }

    /** Reaps the root and completes the exit; {@code outcome} null means judged from the root's exit. */
    private void complete(List<ExitStatus.Leftover> leftovers, Outcome outcome) {
        Pidfd.Exit e;
        try {
            e = Pidfd.reap(spawned.pidfd());
        } catch (io.steward.sys.NativeException lost) {
            // Someone else reaped it (ECHILD): the status is gone, but the exit must still complete,
            // or the pidfd would stay readable and spin the loop.
            e = new Pidfd.Exit(spawned.pid(), -1, 0, false, 0, 0, 0);
        }
        exitWatch.close();
        tree.rootReaped();
        if (hardKillTimer != null) {
            hardKillTimer.cancel();
        }
        phase = Phase.EXITED;
        ExitStatus status = new ExitStatus(e.code(), e.signal(), e.coreDumped(),
                outcome != null ? outcome : checkpointed ? Outcome.CHECKPOINTED : stop.judge(e.signal(), leftovers),
                Instant.now(),
                e.userMicros() + e.systemMicros(), peakRssBytes, leftovers);
        streams.processExited();
        runtime.released(this);
        runtime.exited(this, status);
        exit.complete(status);
    }

    private List<ExitStatus.Leftover> survivors() {
        List<ExitStatus.Leftover> killed = tree.killSurvivors();
        if (!killed.isEmpty()) {
            runtime.adoptZombies();
        }
        return killed;
    }

    /**
     * Waits until this exited process's output rings are closed, which happens once its channels
     * read the last byte; a process that follows in its rings may only write after that. If a
     * pipe is still held open when {@code patience} runs out (by something outside the tree, since
     * the tree is gone), its channels are closed on the loop, which closes the rings at once; should
     * even that take another {@code patience}, the next spawn into these rings is refused.
     */
    public void awaitOutputClosed(Duration patience) throws InterruptedException {
        if (phase != Phase.EXITED) {
            throw new IllegalStateException("process " + spawned.pid() + " is still running");
        }
        streams.awaitClosed(patience);
    }
}
