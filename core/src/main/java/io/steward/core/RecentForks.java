package io.steward.core;

import io.steward.sys.ProcConnector;
import java.util.HashSet;
import java.util.Set;

/**
 * The host's last process events (fork, exec, exit, setsid), so a root adopted a moment after its spawn
 * still gets what it did in between: the connector's events for it may be read before the
 * adoption. Written and replayed on the loop only; {@link #total} may be read anywhere.
 */
final class RecentForks {
    interface Step {
        /**
         * One event of the tree being replayed.
         *
         * @param what {@link ProcConnector#FORK}, {@code EXEC}, {@code EXIT} or {@code SID}
         * @param other FORK and EXIT: the parent; otherwise 0
         * @param exitCode EXIT: the wait status
         */
        void step(int what, int pid, int other, int exitCode, long timestampNanos);
    }

    private final int[] whats;
    private final int[] pids;
    private final int[] others;
    private final int[] codes;
    private final long[] times;
    private volatile long total;

    RecentForks(int capacity) {
        whats = new int[capacity];
        pids = new int[capacity];
        others = new int[capacity];
        codes = new int[capacity];
        times = new long[capacity];
    }

    long total() {
        return total;
    }

    void record(int what, int pid, int other, int exitCode, long timestampNanos) {
        int i = (int) (total % pids.length);
        whats[i] = what;
        pids[i] = pid;
        others[i] = other;
        codes[i] = exitCode;
        times[i] = timestampNanos;
        total++;
    }

    /**
     * Replays what the descendants of {@code root} did since {@code mark}, the root's own exec and
     * exit left out (its exit is the runtime's to see).
     *
     * @return false when the ring overwrote part of it: the caller must ask /proc instead
     */
    boolean replay(long mark, int root, Step step) {
        long end = total;
        if (end - mark > pids.length) {
            return false;
        }
        Set<Integer> tree = new HashSet<>();
        tree.add(root);
        for (long n = mark; n < end; n++) {
            int i = (int) (n % pids.length);
            int pid = pids[i];
            boolean member = switch (whats[i]) {
                case ProcConnector.FORK -> tree.contains(others[i]) && tree.add(pid);
                case ProcConnector.EXIT -> pid != root && tree.remove(pid);
                default -> pid != root && tree.contains(pid);
            };
            if (member) {
                step.step(whats[i], pid, others[i], codes[i], times[i]);
            }
        }
        return true;
    }
}
