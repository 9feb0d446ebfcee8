package io.steward.core;

import io.steward.sys.Libc;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The process runtime: spawns children, serves all their I/O on one loop thread, and makes sure
 * none of their descendants outlives them. The JVM becomes a child subreaper, so orphans of a
 * tree are re-parented here rather than to init; they are reaped by pid, never with
 * {@code wait(-1)}, which would steal the statuses of the JVM's own children.
 */
public final class ProcessRuntime implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ProcessRuntime.class.getName());
    private static final long ORPHAN_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(2);

    /**
     * How the runtime learns of its trees' processes.
     *
     * @param procEvents use the kernel's proc connector where it works (else /proc is polled)
     * @param procEventBuffer the connector socket's receive buffer in bytes, 0 for the system's default
     */
    public record Options(boolean procEvents, int procEventBuffer) {
        public static final Options DEFAULT = new Options(true, 4 << 20);
    }

    private final IoLoop loop = new IoLoop();
    private final ExecutorService treeWorker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("steward-tree").daemon(true).factory());
    private final String id = newId();
    private final AtomicLong sequence = new AtomicLong();
    /**
     * Unreaped children by pid. Children belong to the thread that spawned them; when that thread
     * ends (a virtual thread's carrier, say), Linux hands them to the main thread, where they sit
     * beside real orphans: this map tells the two apart.
     */
    private final java.util.Map<Integer, ManagedProcess> live = new ConcurrentHashMap<>();
    private final List<Consumer<LifecycleEvent>> observers = new CopyOnWriteArrayList<>();
    private final StampedLock spawnGate = new StampedLock();
    private final Orphans orphans;
    private final SharedScans scans = new SharedScans(this::orphansPresent, this::membershipExact);
    private volatile boolean closed;
    private volatile boolean frozen;
    private final java.util.concurrent.atomic.AtomicBoolean sweeping = new java.util.concurrent.atomic.AtomicBoolean();
    /** Processes taken over whose descriptors are not served yet (see takenOver). */
    private final List<ManagedProcess> takenOver = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook = Thread.ofPlatform().name("steward-shutdown").unstarted(this::killAllNow);
    private final Membership membership;
    private final Observation observation = new Observation(this);
    private volatile ProcessActivity.Listener activityListener;
    private volatile ProcessActivity.EscapeListener escapeListener;

    private ProcessRuntime(Options options) {
        this(options, false);
    }

    /**
     * @param takingOver processes handed over by a daemon before this one are about to be taken over
     *     ({@link #takeOver}): no orphan sweep runs until {@link #takenOver}, since until then they
     *     are children of this process that no tree claims
     */
    private ProcessRuntime(Options options, boolean takingOver) {
        int self = Libc.getpid();
        // Orphans are re-parented to the subreaper's thread-group leader; the JVM spawns from other threads.
        orphans = new Orphans(loop, live, spawnGate, Libc.check("open(/proc/self/task/" + self + "/children)",
                Libc.open("/proc/self/task/" + self + "/children", Libc.O_RDONLY | Libc.O_CLOEXEC, 0)));
        Libc.check("prctl(PR_SET_CHILD_SUBREAPER)", Libc.prctl(Libc.PR_SET_CHILD_SUBREAPER, 1));
        membership = new Membership(this, loop, options);
        if (!takingOver) {
            sweeping.set(true);
            loop.execute(this::sweepOrphans);
        }
        // However the JVM ends (System.exit, a fatal signal it handles), no tree outlives it.
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private void killAllNow() {
        for (ManagedProcess p : List.copyOf(live.values())) {
            p.killTreeNow();
        }
    }

    /** A random prefix for originator tags, so trees of two runtimes never share one. */
    private static String newId() {
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static ProcessRuntime create() {
        return new ProcessRuntime(Options.DEFAULT);
    }

    public static ProcessRuntime create(Options options) {
        return new ProcessRuntime(options);
    }

    /** A runtime that will {@link #takeOver} the processes a daemon before it handed over, then {@link #takenOver}. */
    public static ProcessRuntime createForTakeOver() {
        return new ProcessRuntime(Options.DEFAULT, true);
    }

    /**
     * Every handed-over process is taken over, and the daemon serves: their descriptors are served
     * from now on (before, a take-over that failed could hand back to the daemon before it with
     * nothing read), and orphans may be told from them now, and swept.
     */
    public void takenOver() {
        if (sweeping.compareAndSet(false, true)) {
            for (ManagedProcess p : takenOver) {
                p.start();
            }
            takenOver.clear();
            membership.rescan();
            loop.execute(this::sweepOrphans);
        }
    }

    /** Where every fork, exec and exit of a tree spawned with {@code observeProcesses} goes. One listener. */
    public void onProcessActivity(ProcessActivity.Listener listener) {
        this.activityListener = listener;
    }

    /** Where what trees spawned with {@link Observe#FILE} or {@link Observe#NETWORK} do goes. One listener. */
    public void onObservation(ObservationListener listener) {
        observation.listen(listener);
    }

    /** Why trees asking for file events get none here (fanotify refused), or null. */
    public String fileEventsUnavailable() {
        return observation.filesUnavailable();
    }

    /** Who hears that a member left its root's session: the journal keeps such a pid for a successor. */
    public void onEscape(ProcessActivity.EscapeListener listener) {
        this.escapeListener = listener;
    }

    /** How this runtime keeps its trees' membership: the backend, why, and its counters of loss. */
    public MembershipStatus membershipStatus() {
        Membership.Status s = membership.status();
        return new MembershipStatus(s.backend(), s.reason(), s.events(), s.lost(), s.overruns(), s.rescans());
    }

    /**
     * @param backend {@code proc-connector} (events from the kernel) or {@code proc-poll} (a /proc scan every 2 s)
     * @param events process events read; {@code lost} those the kernel's sequence numbers say it dropped;
     *     {@code overruns} times the socket's buffer overflowed; {@code rescans} /proc scans that made up for either
     */
    public record MembershipStatus(String backend, String reason, long events, long lost, long overruns,
            long rescans) {}

    Membership membership() {
        return membership;
    }

    /** A process's exit is complete: its tree leaves the membership and the observation. */
    void released(ManagedProcess p) {
        membership.release(p);
        observation.ended(p);
    }

    void activity(ManagedProcess root, ProcessActivity a) {
        ProcessActivity.Listener l = activityListener;
        if (l != null) {
            try {
                l.activity(root, a);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "process activity listener failed", e);
            }
        }
    }

    void escaped(ManagedProcess root, int pid, long startTicks) {
        ProcessActivity.EscapeListener l = escapeListener;
        if (l != null) {
            try {
                l.escaped(root, pid, startTicks);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "escape listener failed", e);
            }
        }
    }

    /**
     * Starts a process.
     *
     * @throws SpawnException when the program or working directory cannot be used; nothing is left behind
     */
    public ManagedProcess spawn(ProcessSpec spec) {
        return spawn(spec, null);
    }

    /**
     * Starts a process that writes on into the rings of one that exited (a restart): same history,
     * same cursors. The rings must be closed, their writer gone; a ring the new process does not
     * use (stderr once merged) is left as it is.
     *
     * @param previous the exited process whose rings are taken over, or null for new ones
     */
    public ManagedProcess spawn(ProcessSpec spec, ManagedProcess previous) {
        String originator = spec.originator() != null ? spec.originator() : id + "-" + sequence.incrementAndGet();
        return launch(spec, previous, () -> Launcher.spawn(spec, originator));
    }

    /**
     * Brings back a tree CRIU dumped ({@link ManagedProcess#checkpoint}): a process of this runtime
     * as a spawned one is, under the dumped tree's pids and originator tag, reading and writing new
     * pipes (or a new terminal) in place of the old.
     *
     * @throws Criu.Failure with CRIU's error line; nothing is left running
     */
    public ManagedProcess restore(ProcessSpec spec, Criu criu, CheckpointedTree tree, java.nio.file.Path images,
            java.nio.file.Path log) {
        TreeCheckpoint.awaitPidsFree(tree.pids(), this);
        try {
            return launch(spec, null, () -> TreeCheckpoint.restore(spec, tree, criu, images, log, this));
        } catch (Criu.Failure e) {
            if (e.getMessage() == null || !e.getMessage().contains("File exists")) {
                throw e;
            }
            // A pid of the tree was taken when CRIU forked it (a zombie of the dumped tree not yet
            // gone, a process started meanwhile): once every pid is free again (else a conflict
            // naming the holder), the one retry; a failed restore leaves nothing behind.
            TreeCheckpoint.awaitPidsFree(tree.pids(), this);
            return launch(spec, null, () -> TreeCheckpoint.restore(spec, tree, criu, images, log, this));
        }
    }

    private ManagedProcess launch(ProcessSpec spec, ManagedProcess previous,
            java.util.function.Supplier<Launcher.Spawned> start) {
        if (closed) {
            throw new IllegalStateException("runtime closed");
        }
        ManagedProcess p;
        // Spawned from the thread-group leader (an embedding launcher, a native image), the child is
        // listed beside real orphans until its pid is in live; a sweep in that window would reap it
        // and lose its status, so sweeps skip while a spawn is being recorded.
        observation.prepare(spec);
        long stamp = spawnGate.readLock();
        long mark = membership.mark();
        try {
            Launcher.Spawned spawned = start.get();
            p = new ManagedProcess(this, spec, spawned, previous);
            live.put(p.pid(), p);
        } catch (RuntimeException e) {
            observation.unprepared(spec);
            throw e;
        } finally {
            spawnGate.unlockRead(stamp);
        }
        membership.adopt(p, mark);
        observation.started(p);
        if (!observers.isEmpty()) {
            emit(new LifecycleEvent(LifecycleEvent.Kind.STARTED, p.pid(), p.startedAt(), p.originator(),
                    spec.argv(), null));
        }
        p.start();
        return p;
    }

    /**
     * Runs {@code work} with the spawn gate held: a helper child it starts (CRIU) is not taken for
     * an orphan and reaped by a sweep, should the thread that started it end meanwhile.
     */
    public <T> T gated(java.util.function.Supplier<T> work) {
        long stamp = spawnGate.readLock();
        try {
            return work.get();
        } finally {
            spawnGate.unlockRead(stamp);
        }
    }

    /**
     * Stops the I/O loop and the tree worker where they stand, for a daemon that hands its state to
     * a new build of itself: while frozen no byte moves between a child and its rings, no exit is
     * handled and no tree work runs, so what {@link Handover#write} records is one instant.
     * Closing the result lets everything go on (the hand-over failed).
     *
     * @throws IllegalStateException when the loop or the worker is not free within {@code patience}
     */
    public AutoCloseable freeze(Duration patience) throws InterruptedException {
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(2);
        Runnable stay = () -> {
            held.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        frozen = true;
        AutoCloseable thaw = () -> {
            frozen = false;
            hold.countDown();
        };
        loop.execute(stay);
        treeWorker.execute(stay);
        long deadline = System.nanoTime() + patience.toNanos();
        boolean ok = held.await(patience.toNanos(), TimeUnit.NANOSECONDS);
        // A waiter serving a process's descriptors itself finishes its slice (100 ms at most).
        for (ManagedProcess p : live.values()) {
            while (ok && p.exitWatch().watching()) {
                ok = System.nanoTime() < deadline;
                Thread.sleep(1);
            }
        }
        if (!ok) {
            try {
                thaw.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("the I/O loop did not stop within " + patience.toMillis() + " ms");
        }
        return thaw;
    }

    boolean frozen() {
        return frozen;
    }

    /**
     * Waits until the I/O loop has run once more: what was readable when it woke (the proc
     * connector's events among it) is handled before its tasks. False at {@code patience}.
     */
    boolean caughtUp(Duration patience) {
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        loop.execute(ran::countDown);
        try {
            return ran.await(patience.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Takes over a process a daemon before this one handed over ({@link Handover#write}): live, it
     * joins this runtime as a spawned one does (its rings, exit watch and membership); exited, it
     * only carries its rings and its exit for the session that had it.
     */
    public ManagedProcess takeOver(ProcessSpec spec, java.io.DataInputStream in, Handover.Rings rings)
            throws java.io.IOException {
        ManagedProcess p = Handover.read(this, spec, in, rings);
        if (p.phase() == ManagedProcess.Phase.EXITED) {
            return p;
        }
        live.put(p.pid(), p);
        membership.adoptUnseen(p);
        takenOver.add(p); // its descriptors are served from takenOver(): until then, nothing is read from them
        return p;
    }

    /** Processes not yet reaped. */
    public List<ManagedProcess> processes() {
        return List.copyOf(live.values());
    }

    /**
     * Subscribes to lifecycle events. Observation is off until the first subscription and costs one
     * emptiness check per start and exit while off. Listeners run on runtime threads and must not block.
     */
    public AutoCloseable observe(Consumer<LifecycleEvent> listener) {
        observers.add(listener);
        return () -> observers.remove(listener);
    }

    IoLoop loop() {
        return loop;
    }

    /**
     * Runs tree work (/proc scans, kill passes) off the I/O loop so output keeps flowing meanwhile.
     * Work queued before a scan began may use that scan: a burst of stops shares one pass over /proc.
     */
    void offLoop(Runnable work) {
        long queued = System.nanoTime();
        treeWorker.execute(() -> {
            scans.enter(queued);
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "process tree operation failed", e);
            } finally {
                scans.leave();
            }
            adoptZombies();
        });
    }

    /** How this runtime's trees see /proc. */
    ProcView view() {
        return scans;
    }

    /** Full passes over /proc made for this runtime's trees so far (a tree walk is not one). */
    public long procScans() {
        return scans.taken();
    }

    void exited(ManagedProcess p, ExitStatus status) {
        live.remove(p.pid(), p);
        if (!observers.isEmpty()) {
            emit(new LifecycleEvent(LifecycleEvent.Kind.EXITED, p.pid(), status.exitedAt(), p.originator(),
                    p.spec().argv(), status));
        }
    }

    private void emit(LifecycleEvent event) {
        for (Consumer<LifecycleEvent> o : observers) {
            try {
                o.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "lifecycle observer failed", e);
            }
        }
    }

    private boolean membershipExact() {
        Membership m = membership;
        return m != null && m.exact();
    }

    /** True when some orphan has been re-parented to us: only then can a tree have survivors. */
    boolean orphansPresent() {
        return orphans.present();
    }

    /** Pids re-parented to this runtime, or null while a spawn is in flight. */
    List<Integer> orphanPids() {
        return orphans.pids();
    }

    /** True when pid is being watched as an orphan; for tests. */
    boolean watchingOrphan(int pid) {
        return orphans.watching(pid);
    }

    /** Watches every adopted orphan's pidfd so it is reaped the moment it dies. */
    void adoptZombies() {
        orphans.adopt();
    }

    private void sweepOrphans() {
        adoptZombies();
        if (!membership.live() && !live.isEmpty()) {
            membership.rescan(); // the fallback: who belongs where, every sweep
        }
        if (!closed) {
            loop.schedule(ORPHAN_SWEEP_NANOS, this::sweepOrphans);
        }
    }

    /** Kills every tree this runtime owns, waits for them, and stops the loop. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ManagedProcess p : List.copyOf(live.values())) {
            p.kill();
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        for (ManagedProcess p : List.copyOf(live.values())) {
            try {
                p.waitFor(Duration.between(Instant.now(), deadline).abs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        treeWorker.shutdown();
        try {
            treeWorker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        observation.close();
        membership.close();
        loop.close();
        orphans.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
    }
}
