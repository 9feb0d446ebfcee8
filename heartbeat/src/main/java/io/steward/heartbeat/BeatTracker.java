package io.steward.heartbeat;

import java.util.ArrayList;
import java.util.List;

/**
 * A slot per beating pid: what it last said and when, which transport it first spoke over and from
 * which PID namespace. Decides each beat's fate ({@link Verdict}) and finds stalls. Slots live in
 * parallel arrays and are found through a primitive table, so a beat allocates nothing.
 *
 * <p>Confined to one thread (the receiver's); counters may be read from others and may lag.
 */
public final class BeatTracker {
    /** What became of one beat. Everything but {@code ACCEPTED} and {@code RESUMED} is counted as dropped. */
    public enum Verdict {
        ACCEPTED,
        /** Accepted, and it ends a stall the tracker had reported. */
        RESUMED,
        /** The last beat of an agent that is going away: accepted, and its slot freed. */
        SIGNED_OFF,
        /** A critical beat with the terminal nonce: the agent panicked. Its slot is freed. */
        PANICKED,
        AUTH_FAILURE, ORIGIN_CONFLICT, NAMESPACE_CONFLICT, OUT_OF_ORDER, RATE_LIMITED
    }

    /**
     * @param capacity slots; a new pid beyond it evicts the slot that has been silent longest
     * @param perPidPerSecond beats a single pid may send per second, with a burst of as many
     * @param globalPerSecond beats all pids together may send per second, with a burst of a tenth;
     *     only beats within their own pid's limit count against it
     */
    public record Limits(int capacity, int perPidPerSecond, int globalPerSecond) {
        public static final Limits DEFAULT = new Limits(4096, 1000, 1_000_000);
    }

    /** Told of each stall once per silence run, during {@link #sweep}. */
    public interface StallSink {
        void stalled(int pid, long lastNonce, long lastBeatNanos, Origin origin, long nsInode);
    }

    /** How long a pid may stay silent before it is stalled; 0 for pids whose silence is not watched. */
    public interface Thresholds {
        long nanosFor(int pid);
    }

    /** A tracked agent, for {@code steward beats}. */
    public record Agent(int pid, Origin origin, Frame.Status status, long lastNonce, long silentNanos, long beats,
            int stalls, boolean stalled, long nsInode) {}

    /** Nonces this close below 2^64 may be followed by a small one: the counter wrapped. */
    private static final long WRAP_WINDOW = 1L << 32;
    private static final Frame.Status[] STATUSES = Frame.Status.values();
    private static final Origin[] ORIGINS = Origin.values();

    private final Limits limits;
    private final PidTable table;
    private final int[] pid;
    private final byte[] origin;
    private final byte[] status;
    private final long[] ns;
    private final long[] startTicks;
    private final long[] lastNonce;
    private final long[] lastBeat;
    private final long[] beats;
    private final int[] stalls;
    private final boolean[] stalled;
    private final long[] rateTat;
    private final Object[] tag;
    private final int[] free;
    private volatile int freeCount;
    private final long pidInterval;
    private final long pidTolerance;
    private final long globalInterval;
    private final long globalTolerance;
    private long globalTat;

    private volatile long accepted;
    private volatile long authFailures;
    private volatile long originConflicts;
    private volatile long namespaceConflicts;
    private volatile long outOfOrder;
    private volatile long rateLimited;
    private volatile long evictions;
    private volatile long stallCount;
    private volatile long panics;

    public BeatTracker(Limits limits) {
        this.limits = limits;
        int n = limits.capacity();
        table = new PidTable(n);
        pid = new int[n];
        origin = new byte[n];
        status = new byte[n];
        ns = new long[n];
        startTicks = new long[n];
        lastNonce = new long[n];
        lastBeat = new long[n];
        beats = new long[n];
        stalls = new int[n];
        stalled = new boolean[n];
        rateTat = new long[n];
        tag = new Object[n];
        free = new int[n];
        for (int i = 0; i < n; i++) {
            free[i] = n - 1 - i;
        }
        freeCount = n;
        pidInterval = 1_000_000_000L / limits.perPidPerSecond();
        pidTolerance = pidInterval * limits.perPidPerSecond();
        globalInterval = Math.max(1, 1_000_000_000L / limits.globalPerSecond());
        globalTolerance = globalInterval * Math.max(1, limits.globalPerSecond() / 10);
    }

    /**
     * Judges one decoded beat.
     *
     * @param kernelPid the sender's pid as the kernel attested it, or 0 when the transport has none
     * @param nsInode the sender's PID-namespace inode, or 0 when unknown
     * @param senderStart the sender's start time (clock ticks), or 0 when unknown: a change means the pid was reused
     */
    public Verdict offer(int framePid, Frame.Status beatStatus, long nonce, Origin beatOrigin, int kernelPid,
            long nsInode, long senderStart, long now) {
        if (kernelPid != 0 && kernelPid != framePid) {
            authFailures++;
            return Verdict.AUTH_FAILURE;
        }
        int s = table.get(framePid);
        if (s >= 0 && senderStart != 0 && startTicks[s] != 0 && senderStart != startTicks[s]) {
            release(s); // the pid was reused: the old agent's slot says nothing about the new one
            s = -1;
        }
        if (s >= 0) {
            int o = beatOrigin.ordinal();
            if (o > origin[s]) {
                originConflicts++;
                return Verdict.ORIGIN_CONFLICT;
            }
            if (nsInode != 0 && ns[s] != 0 && nsInode != ns[s]) {
                namespaceConflicts++;
                return Verdict.NAMESPACE_CONFLICT;
            }
            if (o < origin[s]) {
                // A kernel-attested beat for a pid first heard over UDP: the attested sender wins the
                // slot, so an unverified sender cannot claim a pid ahead of its real agent.
                release(s);
                s = -1;
            }
        }
        // The shared budget is charged only for beats within their pid's own limit, so a pid
        // flooding far past it uses up nothing the others need.
        if (s < 0) {
            if (!admit(now)) {
                rateLimited++;
                return Verdict.RATE_LIMITED;
            }
            s = claim(framePid, beatOrigin, nsInode, senderStart, now);
        } else {
            long tat = Math.max(rateTat[s], now);
            if (tat - now >= pidTolerance || !admit(now)) {
                rateLimited++;
                return Verdict.RATE_LIMITED;
            }
            rateTat[s] = tat + pidInterval;
            if (beats[s] > 0 && !after(nonce, lastNonce[s])) {
                outOfOrder++;
                return Verdict.OUT_OF_ORDER;
            }
        }
        lastNonce[s] = nonce;
        status[s] = (byte) beatStatus.ordinal();
        lastBeat[s] = now;
        beats[s]++;
        accepted++;
        if (nonce == Frame.TERMINAL_NONCE) {
            boolean panicked = beatStatus == Frame.Status.CRITICAL;
            if (panicked) {
                panics++;
            }
            release(s);
            return panicked ? Verdict.PANICKED : Verdict.SIGNED_OFF;
        }
        if (stalled[s]) {
            stalled[s] = false;
            return Verdict.RESUMED;
        }
        return Verdict.ACCEPTED;
    }

    /** Reports every pid silent past its threshold, once per silence run; returns how many. */
    public int sweep(long now, Thresholds thresholds, StallSink sink) {
        int found = 0;
        for (int s = 0; s < pid.length; s++) {
            if (pid[s] == 0 || stalled[s]) {
                continue;
            }
            long threshold = thresholds.nanosFor(pid[s]);
            if (threshold > 0 && now - lastBeat[s] > threshold) {
                stalled[s] = true;
                stalls[s]++;
                stallCount++;
                found++;
                sink.stalled(pid[s], lastNonce[s], lastBeat[s], ORIGINS[origin[s]], ns[s]);
            }
        }
        return found;
    }

    /** Whether {@code p} has a slot: a beat from an untracked pid is the one to read its identity for. */
    public boolean tracks(int p) {
        return table.get(p) >= 0;
    }

    /** What the caller attached to {@code p}'s slot (its owner, say), or null; freed with the slot. */
    public Object tag(int p) {
        int s = table.get(p);
        return s < 0 ? null : tag[s];
    }

    /** Attaches {@code value} to {@code p}'s slot; does nothing when {@code p} has none. */
    public void tag(int p, Object value) {
        int s = table.get(p);
        if (s >= 0) {
            tag[s] = value;
        }
    }

    /** Forgets a pid (its session ended). */
    public void forget(int p) {
        int s = table.get(p);
        if (s >= 0) {
            release(s);
        }
    }

    /** The agent beating as {@code p}, or null. */
    public Agent agent(int p, long now) {
        int s = table.get(p);
        return s < 0 ? null : view(s, now);
    }

    public List<Agent> agents(long now) {
        List<Agent> out = new ArrayList<>();
        for (int s = 0; s < pid.length; s++) {
            if (pid[s] != 0) {
                out.add(view(s, now));
            }
        }
        return out;
    }

    private Agent view(int s, long now) {
        return new Agent(pid[s], ORIGINS[origin[s]], STATUSES[status[s]], lastNonce[s], now - lastBeat[s], beats[s],
                stalls[s], stalled[s], ns[s]);
    }

    /** Pids tracked now. May be read from any thread, and lag. */
    public int size() {
        return pid.length - freeCount;
    }

    public Limits limits() {
        return limits;
    }

    public long accepted() { return accepted; }
    public long authFailures() { return authFailures; }
    public long originConflicts() { return originConflicts; }
    public long namespaceConflicts() { return namespaceConflicts; }
    public long outOfOrder() { return outOfOrder; }
    public long rateLimited() { return rateLimited; }
    public long evictions() { return evictions; }
    public long stalls() { return stallCount; }
    public long panics() { return panics; }

    /** Unsigned "later than", accepting the wrap from just below 2^64 to a small value. */
    static boolean after(long nonce, long last) {
        if (Long.compareUnsigned(nonce, last) > 0) {
            return true;
        }
        return Long.compareUnsigned(last, -WRAP_WINDOW) >= 0 && Long.compareUnsigned(nonce, WRAP_WINDOW) < 0;
    }

    /** The global limit, as a generic cell rate: a burst of a tenth of a second's worth, then the rate. */
    private boolean admit(long now) {
        long tat = Math.max(globalTat, now);
        if (tat - now >= globalTolerance) {
            return false;
        }
        globalTat = tat + globalInterval;
        return true;
    }

    private int claim(int p, Origin o, long nsInode, long start, long now) {
        if (freeCount == 0) {
            int oldest = 0;
            for (int s = 1; s < pid.length; s++) {
                if (lastBeat[s] < lastBeat[oldest]) {
                    oldest = s;
                }
            }
            release(oldest);
            evictions++;
        }
        int s = free[--freeCount];
        pid[s] = p;
        origin[s] = (byte) o.ordinal();
        ns[s] = nsInode;
        startTicks[s] = start;
        beats[s] = 0;
        stalls[s] = 0;
        stalled[s] = false;
        rateTat[s] = now + pidInterval;
        table.put(p, s);
        return s;
    }

    private void release(int s) {
        tag[s] = null;
        table.remove(pid[s]);
        pid[s] = 0;
        free[freeCount++] = s;
    }
}
