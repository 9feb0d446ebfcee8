package io.steward.core;

import io.steward.sys.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ends trees whose supervisor died: a restarted daemon knows only what its journal kept (root
 * pid, start time, originator tag). The root is trusted only if its start time still matches;
 * otherwise only processes carrying the tag are touched.
 */
public final class Leftovers {
    private Leftovers() {}

    /**
     * SIGTERM to the tree, SIGKILL to whatever is left after {@code grace}.
     *
     * @param escapees members the dead supervisor saw leave the root's session (pid → start ticks):
     *     they and what they started are the tree's too, whatever their group, session or environment
     * @return the pids that were found alive and signalled
     */
    public static List<Integer> terminate(int pid, long startTicks, String originator,
            java.util.Map<Integer, Long> escapees, Duration grace) {
        boolean rootAlive = ProcStat.isAlive(pid, startTicks);
        ProcessTree tree = new ProcessTree(pid, true, originator, ProcView.ALWAYS_SCAN);
        escapees.forEach(tree::born);
        if (!rootAlive) {
            tree.rootReaped(); // the pid may belong to someone else now: no group signals
        }
        List<Integer> found = new ArrayList<>();
        if (rootAlive) {
            found.add(pid);
            ProcessTree.signalExact(pid, startTicks, Signal.TERM.number());
        }
        for (ProcStat p : tree.signal(Signal.TERM)) {
            found.add(p.pid());
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && (ProcStat.isAlive(pid, startTicks) || !tree.members().isEmpty())) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (ProcStat.isAlive(pid, startTicks)) {
            ProcessTree.signalExact(pid, startTicks, Signal.KILL.number());
        }
        tree.killAll();
        return found;
    }

}
