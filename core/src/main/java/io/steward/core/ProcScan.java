package io.steward.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass over /proc: the stat of every process, and each one's originator tag, read from its
 * environment at most once however many trees ask. Stopping a thousand sessions at once then costs
 * one pass and a thousand environment reads, not a thousand of each.
 */
final class ProcScan {
    private static final byte[] ORIGINATOR_PREFIX =
            (ProcessSpec.ORIGINATOR_VAR + "=").getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final long startedNanos;
    private final List<ProcStat> all;
    private final Map<Integer, ProcStat> byPid;
    /** pid -> its originator tag, or "" without one; filled as trees ask. */
    private final Map<Integer, String> originators = new HashMap<>();

    private ProcScan(long startedNanos, List<ProcStat> all) {
        this.startedNanos = startedNanos;
        this.all = all;
        this.byPid = new HashMap<>(all.size() * 2);
        for (ProcStat p : all) {
            byPid.put(p.pid(), p);
        }
    }

    static ProcScan take() {
        long started = System.nanoTime();
        return new ProcScan(started, ProcStat.all());
    }

    /** True when this scan began at or after {@code nanos}: it shows every process that existed then. */
    boolean notOlderThan(long nanos) {
        return startedNanos - nanos >= 0;
    }

    List<ProcStat> all() {
        return all;
    }

    ProcStat get(int pid) {
        return byPid.get(pid);
    }

    boolean contains(int pid) {
        return byPid.containsKey(pid);
    }

    /** The process's originator tag as the scan first read it; "" when it has none or is gone. */
    synchronized String originator(ProcStat p) {
        return originators.computeIfAbsent(p.pid(), pid -> {
            String tag = ProcStat.environValue(pid, ORIGINATOR_PREFIX);
            return tag == null ? "" : tag;
        });
    }
}
