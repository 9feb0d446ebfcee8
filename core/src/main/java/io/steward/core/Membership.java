package io.steward.core;

import io.steward.sys.NativeException;
import io.steward.sys.ProcConnector;
import io.steward.sys.ProcEvent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which tree every descendant belongs to, at every moment: a process forked by a member is a member
 * from birth, whatever group, session or environment it then chooses, so one that calls
 * {@code setsid} and loses its parent is still found and killed with its tree. Kept from the proc
 * connector's FORK and EXIT on the runtime's loop (one socket for the runtime, no thread of its
 * own); rescanned from /proc when the kernel dropped events (a sequence gap or {@code ENOBUFS},
 * both counted). Without the connector, the rescan on every orphan sweep is the fallback.
 */
final class Membership implements AutoCloseable {
    /** How long a probe waits for the kernel to report a thread of ours: namespaces ignore subscriptions silently. */
    private static final long PROBE_NANOS = 500_000_000L;

    /** How the runtime knows its trees: its backend and why, and what it has counted. */
    record Status(String backend, String reason, long events, long lost, long overruns, long rescans) {
        boolean live() {
            return backend.equals(CONNECTOR);
        }
    }

    static final String CONNECTOR = "proc-connector";
    static final String POLL = "proc-poll";

    private final ProcessRuntime runtime;
    private final IoLoop loop;
    private final ProcConnector connector;
    private final String reason;
    private final ProcEvent event = new ProcEvent();
    /** Member pid → the process whose tree it belongs to. Loop thread only. */
    private final PidMap<ManagedProcess> owner = new PidMap<>();
    private final RecentForks recent = new RecentForks(8192);
    private final java.util.concurrent.ConcurrentLinkedQueue<Adoption> adoptions =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private long[] lastSeq = new long[0];
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong overruns = new AtomicLong();
    private final AtomicLong rescans = new AtomicLong();
    private final AtomicBoolean rescanPending = new AtomicBoolean();
    private final long wallOffsetNanos;

    Membership(ProcessRuntime runtime, IoLoop loop, ProcessRuntime.Options options) {
        this.runtime = runtime;
        this.loop = loop;
        long nanos = System.nanoTime();
        this.wallOffsetNanos = System.currentTimeMillis() * 1_000_000L - nanos;
        ProcConnector c = null;
        String why;
        if (!options.procEvents()) {
            why = "the proc connector is turned off for this daemon";
        } else {
            try {
                c = ProcConnector.open(options.procEventBuffer());
                if (probe(c)) {
                    why = "fork, exec and exit of every descendant from the kernel's proc connector";
                } else {
                    c.close();
                    c = null;
                    why = "the proc connector accepted the subscription but reports nothing here "
                            + "(a non-initial PID or user namespace); /proc is polled every 2 s instead";
                }
            } catch (NativeException e) {
                why = "the proc connector is refused here (" + e.getMessage() + "; Linux before 6.6 needs "
                        + "CAP_NET_ADMIN); /proc is polled every 2 s instead";
            }
        }
        this.connector = c;
        this.reason = why;
        if (c != null) {
            loop.register(c.fd(), io.steward.sys.Epoll.IN, this::readable);
        }
    }

    /** True when the kernel reports a thread this JVM starts: the subscription really delivers. */
    private static boolean probe(ProcConnector c) {
        int self = io.steward.sys.Libc.getpid();
        Thread t = Thread.ofPlatform().name("steward-probe").start(() -> {});
        ProcEvent e = new ProcEvent();
        long deadline = System.nanoTime() + PROBE_NANOS;
        try {
            t.join();
            while (System.nanoTime() < deadline) {
                int r = c.read(e);
                if (r > 0 && e.what == ProcConnector.FORK && e.tgid == self) {
                    return true;
                }
                if (r == 0) {
                    io.steward.sys.Libc.poll(c.fd(), io.steward.sys.Libc.POLLIN, 50);
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    Status status() {
        return new Status(connector != null ? CONNECTOR : POLL, reason, events.get(), lost.get(), overruns.get(),
                rescans.get());
    }

    boolean live() {
        return connector != null;
    }

    /** Live, and no loss is waiting for its rescan: what the trees were told is all there is. */
    boolean exact() {
        return connector != null && !rescanPending.get() && adoptions.isEmpty();
    }

    /** Where the recent forks stood when {@code p} was spawned: its adoption replays from there. */
    long mark() {
        return recent.total();
    }

    /** Makes p's root a member, and whatever it did before the loop took it in. */
    void adopt(ManagedProcess p, long mark) {
        adoptions.add(new Adoption(p, mark));
        loop.execute(this::takeAdoptions);
    }

    /**
     * Makes p's root a member when no event of its tree is here (a process handed over); the rest
     * comes from /proc by the {@link #rescan} the runtime asks once every such process is in: before
     * that, the roots still to come would look like strays of the trees already in.
     */
    void adoptUnseen(ManagedProcess p) {
        loop.execute(() -> owner.put(p.pid(), p));
    }

    private record Adoption(ManagedProcess process, long mark) {}

    /** Runs before every batch of events too: a root is a member before its children's events are read. */
    private void takeAdoptions() {
        Adoption a;
        while ((a = adoptions.poll()) != null) {
            ManagedProcess p = a.process();
            owner.put(p.pid(), p);
            if (connector != null && !recent.replay(a.mark(), p.pid(), (what, pid, other, code, time) -> {
                event.what = what;
                event.pid = pid;
                event.tgid = pid;
                event.parentPid = other;
                event.parentTgid = other;
                event.exitCode = code;
                event.timestampNanos = time;
                handle(event, false);
            })) {
                // More events than the ring holds passed since the spawn: ask /proc.
                lost.incrementAndGet();
                rescan();
            }
        }
    }

    /** Forgets p's tree once its exit is complete: its survivors are dead or killed. */
    void release(ManagedProcess p) {
        loop.execute(() -> {
            for (int pid : p.tree().bornPids()) {
                if (owner.get(pid) == p) {
                    owner.remove(pid);
                }
            }
            if (owner.get(p.pid()) == p) {
                owner.remove(p.pid());
            }
        });
    }

    private void readable(int ignored) {
        if (!adoptions.isEmpty()) {
            takeAdoptions();
        }
        for (int i = 0; i < 4096; i++) {
            int r = connector.read(event);
            if (r == 0) {
                return;
            }
            if (r < 0) {
                overruns.incrementAndGet();
                rescan();
                continue;
            }
            events.incrementAndGet();
            checkSequence(event.cpu, event.seq);
            handle(event, true);
        }
    }

    private void checkSequence(int cpu, long seq) {
        if (cpu < 0 || cpu > 4096) {
            return;
        }
        if (cpu >= lastSeq.length) {
            int old = lastSeq.length;
            lastSeq = Arrays.copyOf(lastSeq, cpu + 1);
            Arrays.fill(lastSeq, old, lastSeq.length, -1);
        }
        long last = lastSeq[cpu];
        lastSeq[cpu] = seq;
        if (last >= 0 && seq != ((last + 1) & 0xffffffffL)) {
            long gap = (seq - last - 1) & 0xffffffffL;
            if (gap < (1L << 31)) {
                lost.addAndGet(gap);
                rescan();
            }
        }
    }

    /** @param live read from the socket now (else replayed: it already is in the recent ring) */
    private void handle(ProcEvent e, boolean live) {
        switch (e.what) {
            case ProcConnector.FORK -> {
                if (e.pid != e.tgid) {
                    return; // a thread
                }
                if (live) {
                    recent.record(ProcConnector.FORK, e.pid, e.parentTgid, 0, e.timestampNanos);
                }
                ManagedProcess p = owner.get(e.parentTgid);
                if (p != null && join(p, e.pid) && p.spec().observes(Observe.PROCESS)) {
                    tell(p, ProcessActivity.Kind.FORKED, e.pid, e.parentTgid, List.of(), null, null, null, e);
                }
            }
            case ProcConnector.EXIT -> {
                if (e.pid != e.tgid) {
                    return;
                }
                if (live) {
                    recent.record(ProcConnector.EXIT, e.pid, e.parentTgid, e.exitCode, e.timestampNanos);
                }
                ManagedProcess p = owner.get(e.pid);
                if (p == null) {
                    return;
                }
                if (p.pid() != e.pid) {
                    leave(e.pid);
                }
                if (p.spec().observes(Observe.PROCESS)) {
                    int status = e.exitCode;
                    boolean signalled = (status & 0x7f) != 0;
                    tell(p, ProcessActivity.Kind.EXITED, e.pid, e.parentTgid, List.of(), null,
                            signalled ? null : (status >> 8) & 0xff, signalled ? status & 0x7f : null, e);
                }
            }
            case ProcConnector.EXEC -> {
                if (live) {
                    recent.record(ProcConnector.EXEC, e.tgid, 0, 0, e.timestampNanos);
                }
                ManagedProcess p = owner.get(e.tgid);
                if (p != null && p.spec().observes(Observe.PROCESS)) {
                    // The name first: it outlives the command line of a program that exits at once.
                    String comm = ProcStat.comm(e.tgid);
                    tell(p, ProcessActivity.Kind.EXEC, e.tgid, 0, ProcStat.cmdline(e.tgid), comm, null, null, e);
                }
            }
            case ProcConnector.SID -> {
                if (live) {
                    recent.record(ProcConnector.SID, e.tgid, 0, 0, e.timestampNanos);
                }
                ManagedProcess p = owner.get(e.tgid);
                if (p != null && e.tgid != p.pid() && p.tree().escapeOnce(e.tgid)) {
                    runtime.escaped(p, e.tgid, p.tree().bornStart(e.tgid));
                }
            }
            default -> {
            }
        }
    }

    private boolean join(ManagedProcess p, int pid) {
        if (owner.get(pid) != null) {
            return false;
        }
        owner.put(pid, p);
        p.tree().born(pid, ProcStat.read(pid).map(ProcStat::startTicks).orElse(-1L));
        return true;
    }

    private void leave(int pid) {
        ManagedProcess p = owner.remove(pid);
        if (p != null) {
            p.tree().died(pid);
        }
    }

    private void tell(ManagedProcess p, ProcessActivity.Kind kind, int pid, int ppid, List<String> argv,
            String comm, Integer code, Integer signal, ProcEvent e) {
        Instant at = Instant.ofEpochSecond(0, e.timestampNanos + wallOffsetNanos);
        runtime.activity(p, new ProcessActivity(kind, pid, ppid, at, argv, comm, code, signal));
    }

    /**
     * Asks /proc who belongs to each live tree, off the loop, and applies the answer on it: members
     * the events missed join, members that died unseen leave. Requests while one is queued coalesce.
     */
    void rescan() {
        if (!rescanPending.compareAndSet(false, true)) {
            return;
        }
        runtime.offLoop(() -> {
            rescanPending.set(false);
            rescans.incrementAndGet();
            List<ManagedProcess> trees = runtime.processes();
            java.util.Set<Integer> claimed = new java.util.HashSet<>();
            for (ManagedProcess p : trees) {
                List<ProcStat> members = p.tree().members();
                claimed.add(p.pid());
                members.forEach(m -> claimed.add(m.pid()));
                loop.execute(() -> apply(p, members));
                for (ProcStat escapee : p.tree().newEscapes(members)) {
                    runtime.escaped(p, escapee.pid(), escapee.startTicks());
                }
            }
            attributeStrays(trees, claimed);
        });
    }

    /**
     * An orphan re-parented to the runtime that no tree claims lost its ancestry before anyone saw it
     * (events were lost, or there is no connector). It came from a tree that was running when it
     * started; when only one was, it is that tree's.
     */
    private void attributeStrays(List<ManagedProcess> trees, java.util.Set<Integer> claimed) {
        List<Integer> orphans = runtime.orphanPids();
        if (orphans == null) {
            return;
        }
        for (int pid : orphans) {
            if (claimed.contains(pid)) {
                continue;
            }
            ProcStat stray = ProcStat.read(pid).orElse(null);
            if (stray == null || stray.zombie()) {
                continue;
            }
            List<ManagedProcess> candidates = trees.stream()
                    .filter(p -> p.phase() != ManagedProcess.Phase.EXITED && p.startTicks() <= stray.startTicks())
                    .toList();
            if (candidates.size() == 1) {
                ManagedProcess p = candidates.getFirst();
                p.tree().born(pid, stray.startTicks()); // at once: a stop may be scanning for it now
                loop.execute(() -> {
                    if (owner.get(pid) == null && ProcStat.isAlive(pid, stray.startTicks())) {
                        owner.put(pid, p);
                    } else if (owner.get(pid) == null) {
                        p.tree().died(pid);
                    }
                });
                if (p.tree().escapeOnce(pid)) {
                    runtime.escaped(p, pid, stray.startTicks());
                }
            }
        }
    }

    private void apply(ManagedProcess p, List<ProcStat> members) {
        if (p.phase() == ManagedProcess.Phase.EXITED) {
            return;
        }
        java.util.Set<Integer> seen = new java.util.HashSet<>(members.size() * 2);
        for (ProcStat m : members) {
            seen.add(m.pid());
            // Alive still: its EXIT may have been handled between the scan and now, and must not be undone.
            if (owner.get(m.pid()) == null && ProcStat.isAlive(m.pid(), m.startTicks())) {
                owner.put(m.pid(), p);
                p.tree().born(m.pid(), m.startTicks());
            }
        }
        for (int pid : p.tree().bornPids()) {
            if (!seen.contains(pid) && ProcStat.read(pid).filter(s -> !s.zombie()).isEmpty()) {
                leave(pid);
            }
        }
    }

    @Override
    public void close() {
        if (connector != null) {
            loop.execute(() -> {
                loop.unregister(connector.fd());
                connector.close();
            });
        }
    }
}
