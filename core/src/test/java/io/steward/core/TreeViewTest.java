package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** How a tree finds its members: by walking children while nothing escaped, by shared scans otherwise. */
class TreeViewTest extends RuntimeTestBase {

    @Test
    void aChildInASessionOfItsOwnIsFoundAndStoppedWithoutAScan() throws Exception {
        // The root waits for its child on SIGTERM, so nothing is ever re-parented to the runtime.
        ManagedProcess p = sh("trap 'wait; exit 0' TERM; setsid sleep 311 & wait");
        Map<Integer, Long> seen = new HashMap<>();
        Poll.until("the setsid child", () -> {
            for (ProcStat d : p.descendants()) {
                if (d.comm().equals("sleep")) {
                    seen.put(d.pid(), d.startTicks());
                }
            }
            return seen.size() == 1;
        });
        int child = seen.keySet().iterator().next();
        assertTrue(ProcStat.read(child).orElseThrow().session() != p.pid(), "the child left the root's session");
        long scans = runtime.procScans();
        ExitStatus exit = p.stop(Duration.ofSeconds(5)).get();
        assertEquals(Outcome.SOFT_EXIT, exit.outcome());
        assertTrue(!alive(child, seen.get(child)), "the child got SIGTERM too");
        assertEquals(scans, runtime.procScans(), "no orphan anywhere: the stop walked the tree, no /proc scan");
    }

    @Test
    void aBurstOfStopsSharesScans() throws Exception {
        // A double-forked sleep is re-parented to the runtime: from then on every tree needs full scans.
        ManagedProcess escaping = sh("( sleep 312 & ) ; exec sleep 313");
        Poll.until("an orphan of ours", () -> runtime.orphansPresent());
        int count = 40;
        List<ManagedProcess> trees = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            trees.add(sh("sleep 314 & wait"));
        }
        Poll.until("every tree has its child", () -> trees.stream().allMatch(t -> t.descendants().size() == 1));
        long before = runtime.procScans();
        List<CompletableFuture<ExitStatus>> exits = new ArrayList<>();
        for (ManagedProcess t : trees) {
            exits.add(t.stop(Duration.ofSeconds(10)));
        }
        for (CompletableFuture<ExitStatus> e : exits) {
            assertEquals(Outcome.SOFT_EXIT, e.get().outcome());
        }
        for (ManagedProcess t : trees) {
            assertTrue(t.descendants().isEmpty(), "nothing of a stopped tree is left");
        }
        long taken = runtime.procScans() - before - count; // the checks just above scanned once each
        // Unshared, each stop scans at least twice (the SIGTERM pass and the drain's last look).
        assertTrue(taken < count, "a burst of " + count + " stops took " + taken + " scans");
        escaping.kill().get();
    }

    @Test
    void figuresOfManyTreesShareOneScanAndForgetNoEscapee() throws Exception {
        ManagedProcess escaping = sh("( sleep 315 & ) ; exec sleep 316");
        Poll.until("an orphan of ours", () -> runtime.orphansPresent());
        List<ManagedProcess> trees = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            trees.add(sh("sleep 317 & wait"));
        }
        Poll.until("every tree has its child", () -> trees.stream().allMatch(t -> t.descendants().size() == 1));
        long before = runtime.procScans();
        for (ManagedProcess t : trees) {
            TreeUsage u = t.treeUsage(Duration.ofSeconds(30));
            assertEquals(2, u.processes(), "the shell and its sleep");
            assertTrue(u.rssBytes() > 0);
        }
        assertTrue(runtime.procScans() - before <= 1, "20 trees' figures took " + (runtime.procScans() - before) + " scans");
        assertEquals(2, escaping.treeUsage(Duration.ZERO).processes(), "the escapee is the tree's: " + escaping.pid());
        ExitStatus exit = escaping.stop(Duration.ofSeconds(5)).get();
        assertTrue(escaping.descendants().isEmpty(), "the escapee was stopped with its tree: " + exit);
        for (ManagedProcess t : trees) {
            t.kill().get();
        }
    }

    @Test
    void aBusyChildsCpuStaysWithTheTreeAfterItIsReaped() throws Exception {
        ManagedProcess p = sh("i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done & wait; echo reaped; exec sleep 30");
        Poll.until("the busy child reaped", Duration.ofSeconds(60), () -> p.stdout().end() > 0);
        TreeUsage u = p.treeUsage(Duration.ZERO);
        assertEquals(1, u.processes(), "only the root runs now");
        assertTrue(u.cpuMicros() >= 100_000, "the child's time is still the tree's: " + u.cpuMicros() + " us");
        assertTrue(p.cpuMicros() < u.cpuMicros(), "the root's own time is not");
    }
}
