package io.steward.core;

import io.steward.api.Outcome;
import io.steward.sys.Signal;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process's stop: when it began, its grace, whether SIGKILL went out, and from these how the
 * process ended. Changed under the process's monitor.
 */
final class StopClock {
    /** Exits this long after the grace still count as soft: the kill and a voluntary exit can race. */
    static final long SOFT_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private long startedNanos;
    private long graceNanos;
    private volatile boolean hardKillSent;

    void begin(long grace) {
        startedNanos = System.nanoTime();
        graceNanos = grace;
    }

    long graceNanos() {
        return graceNanos;
    }

    void hardKillSent() {
        hardKillSent = true;
    }

    /** True once SIGKILL went out: the grace is over (it ran out, or a kill cut it short). */
    boolean graceOver() {
        return hardKillSent;
    }

    /**
     * @param signal the signal that ended the root, or 0
     * @param leftovers what of its tree had to be killed after the root exited
     */
    Outcome judge(int signal, List<ExitStatus.Leftover> leftovers) {
        if (startedNanos == 0) {
            return Outcome.NATURAL_EXIT;
        }
        if (!leftovers.isEmpty()) {
            return Outcome.HARD_KILLED; // the root beat the deadline, but not all of its tree
        }
        if (!hardKillSent) {
            return Outcome.SOFT_EXIT;
        }
        boolean killed = signal == Signal.KILL.number();
        long elapsed = System.nanoTime() - startedNanos;
        return !killed && elapsed <= graceNanos + SOFT_SLACK_NANOS ? Outcome.SOFT_EXIT : Outcome.HARD_KILLED;
    }
}
