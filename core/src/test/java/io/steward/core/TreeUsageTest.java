package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.sys.Libc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Summing a tree: each process once, whatever its threads; zombies hold nothing. */
class TreeUsageTest {
    private static final long PAGE = Libc.pageSize();
    private static final long TICKS = Libc.clockTicks();

    private static ProcStat proc(int pid, char state, long cpuTicks, long rssPages) {
        return new ProcStat(pid, "p" + pid, state, 1, pid, pid, 100, cpuTicks, rssPages);
    }

    @Test
    void eachProcessCountsOnceAndZombiesNotAtAll() {
        TreeUsage u = TreeUsage.of(List.of(proc(10, 'S', TICKS, 100), proc(11, 'R', 2 * TICKS, 50),
                proc(10, 'S', TICKS, 100), proc(12, 'Z', 5 * TICKS, 0)));
        assertEquals(2, u.processes());
        assertEquals(150 * PAGE, u.rssBytes());
        assertEquals(3_000_000, u.cpuMicros());
        assertEquals(TreeUsage.NONE, TreeUsage.of(List.of()));
    }

    @Test
    void aProcessWithManyThreadsIsCountedOnce() throws Exception {
        int self = Libc.getpid();
        long threads;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            threads = tasks.count();
        }
        assertTrue(threads > 4, "this JVM runs threads: " + threads);
        TreeUsage u = TreeUsage.of(List.of(ProcStat.read(self).orElseThrow()));
        long status = ProcStat.rssBytes(self);
        assertEquals(1, u.processes());
        // Both read the same counters a moment apart: equal but for what the JVM touched in between.
        assertTrue(Math.abs(u.rssBytes() - status) < 16L << 20, u.rssBytes() + " against VmRSS " + status);
    }

    @Test
    void whatAReapedChildUsedStillCounts() {
        // 1 s of its own and 2 s of the children it waited for.
        ProcStat parent = new ProcStat(10, "sh", 'S', 1, 10, 10, 100, TICKS, 10, 2 * TICKS);
        assertEquals(3_000_000, TreeUsage.of(List.of(parent)).cpuMicros());
        ProcStat self = ProcStat.read(Libc.getpid()).orElseThrow();
        assertTrue(self.reapedTicks() >= 0);
    }
}
