package io.steward.sys;

/**
 * One process event of the proc connector, decoded in place: a reader keeps one and
 * {@link ProcConnector#read} overwrites it, so the host's fork storms allocate nothing. Pids are
 * thread ids and tgids process ids: a thread's creation is a {@code FORK} whose pid is not its tgid.
 */
public final class ProcEvent {
    /** {@link ProcConnector#FORK}, {@code EXEC}, {@code EXIT}, {@code SID}, or another kind. */
    public int what;
    /** The CPU's own sequence number: a gap means the kernel dropped events. */
    public long seq;
    public int cpu;
    /** CLOCK_MONOTONIC nanoseconds. */
    public long timestampNanos;
    /** The new thread or process (FORK), or the one the event is about. */
    public int pid;
    public int tgid;
    /** FORK: the forking thread and process; EXIT: the parent, when the kernel reports it. */
    public int parentPid;
    public int parentTgid;
    /** EXIT: the wait status (code in bits 8..15, or the signal in bits 0..6). */
    public int exitCode;

    /** A process (not a thread) was created, exited or the like. */
    public boolean ofProcess() {
        return pid == tgid;
    }
}
