package io.steward.core;

import java.util.HashSet;
import java.util.Set;

/**
 * The host's last forks and exits, so a root adopted a moment after its spawn still gets the
 * children it forked in between: the connector's events for them may be read before the adoption.
 * Written and replayed on the loop only; {@link #total} may be read anywhere.
 */
final class RecentForks {
    interface Step {
        /** pid joined the tree (true) or left it (false). */
        void step(int pid, boolean joined);
    }

    private final int[] parents;
    private final int[] pids;
    private volatile long total;

    RecentForks(int capacity) {
        parents = new int[capacity];
        pids = new int[capacity];
    }

    long total() {
        return total;
    }

    void fork(int parent, int child) {
        int i = (int) (total % pids.length);
        parents[i] = parent;
        pids[i] = child;
        total++;
    }

    void exit(int pid) {
        fork(0, -pid);
    }

    /**
     * Replays what happened since {@code mark} to the descendants of {@code root}.
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
            if (pid > 0 && tree.contains(parents[i]) && tree.add(pid)) {
                step.step(pid, true);
            } else if (pid < 0 && -pid != root && tree.remove(-pid)) {
                step.step(-pid, false);
            }
        }
        return true;
    }
}
