package io.steward.core;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The runtime's view of /proc for its trees. On the tree thread a scan is shared: a task may use
 * the latest scan if that began after the task was queued (it then shows every process the task's
 * caller could have meant), and a second look within one task always scans again, since the task
 * may have killed something in between. Anywhere else every look is a fresh scan.
 */
final class SharedScans implements ProcView {
    private final BooleanSupplier orphansPresent;
    private final AtomicLong taken = new AtomicLong();
    /** Tree thread only. */
    private Thread treeThread;
    private ProcScan latest;
    /** A scan older than this does not do for the running task. */
    private long floor;

    private final BooleanSupplier membershipExact;

    SharedScans(BooleanSupplier orphansPresent, BooleanSupplier membershipExact) {
        this.orphansPresent = orphansPresent;
        this.membershipExact = membershipExact;
    }

    @Override
    public boolean membershipExact() {
        return membershipExact.getAsBoolean();
    }

    void enter(long queuedNanos) {
        treeThread = Thread.currentThread();
        floor = queuedNanos;
    }

    void leave() {
        treeThread = null;
    }

    @Override
    public ProcScan scan() {
        if (Thread.currentThread() != treeThread) {
            taken.incrementAndGet();
            return ProcScan.take();
        }
        if (latest == null || !latest.notOlderThan(floor)) {
            taken.incrementAndGet();
            latest = ProcScan.take();
        }
        floor = System.nanoTime();
        return latest;
    }

    /** The last scan taken for figures; any thread. */
    private volatile ProcScan forFigures;

    @Override
    public ProcScan recentScan(long maxAgeNanos) {
        ProcScan s = forFigures;
        if (s != null && s.notOlderThan(System.nanoTime() - maxAgeNanos)) {
            return s;
        }
        synchronized (this) {
            s = forFigures;
            if (s == null || !s.notOlderThan(System.nanoTime() - maxAgeNanos)) {
                taken.incrementAndGet();
                s = ProcScan.take();
                forFigures = s;
            }
            return s;
        }
    }

    /** Full passes over /proc so far. */
    long taken() {
        return taken.get();
    }

    @Override
    public boolean mayHaveEscapees() {
        return orphansPresent.getAsBoolean();
    }
}
