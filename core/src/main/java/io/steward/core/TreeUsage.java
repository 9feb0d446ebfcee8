package io.steward.core;

import io.steward.sys.Libc;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a whole process tree uses now: its root and every live member. Each figure comes from the
 * process's {@code /proc/PID/stat}, which describes the whole thread group, so a process is counted
 * once however many threads it has.
 *
 * @param cpuMicros user plus system time of the live processes and of the children they reaped
 * @param rssBytes resident sets summed, one per process
 * @param processes how many live processes, the root included
 */
public record TreeUsage(long cpuMicros, long rssBytes, int processes) {
    public static final TreeUsage NONE = new TreeUsage(0, 0, 0);
    private static final long CLOCK_TICKS = Libc.clockTicks();
    private static final long PAGE_BYTES = Libc.pageSize();

    /** Sums {@code processes}; a pid listed twice (as each of its threads would be) counts once, zombies not at all. */
    public static TreeUsage of(List<ProcStat> processes) {
        Set<Integer> seen = new HashSet<>();
        long ticks = 0;
        long pages = 0;
        for (ProcStat p : processes) {
            if (p.zombie() || !seen.add(p.pid())) {
                continue;
            }
            // A reaped child's time is in its parent's: what ended in the tree still counts, once.
            ticks += p.cpuTicks() + p.reapedTicks();
            pages += p.rssPages();
        }
        return new TreeUsage(ticks * 1_000_000 / CLOCK_TICKS, pages * PAGE_BYTES, seen.size());
    }
}
