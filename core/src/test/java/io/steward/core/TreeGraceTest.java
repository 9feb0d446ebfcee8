package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Outcome;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stop's grace belongs to the whole tree: what outlives the root keeps it. */
class TreeGraceTest extends RuntimeTestBase {
    private static final Duration GRACE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    /** A child that takes a second to finish on SIGTERM, under a root that dies of it at once. */
    private static String slowChild(Path done) {
        return "( trap 'sleep 1; touch " + done + "; exit 0' TERM; echo armed; while :; do sleep 0.1; done ) & wait";
    }

    @Test
    void childOutlivingTheRootKeepsItsGrace() throws Exception {
        Path done = dir.resolve("F");
        ManagedProcess p = sh(slowChild(done));
        Poll.until("trap armed", () -> p.stdout().end() > 0);
        Map<Integer, Long> tree = members(p, 1);
        long[] cpu = loopAndTreeCpuNanos();
        long t0 = System.nanoTime();
        p.stop(GRACE);
        Poll.until("the root exited", () -> ProcStat.read(p.pid()).map(ProcStat::zombie).orElse(true));
        long rootMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(p.exitStatus().isEmpty(), "the stop ended with the root, " + rootMs + " ms in");
        ExitStatus s = p.waitFor(GRACE.plusSeconds(5)).orElseThrow(); // a waiter parked by the root's exit
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long[] used = loopAndTreeCpuNanos();

        assertTrue(Files.exists(done), "the child was killed before its TERM trap finished");
        assertTrue(ms >= 950 && ms < GRACE.toMillis(), "stop took " + ms + " ms (root gone after " + rootMs + ")");
        assertEquals(Outcome.SOFT_EXIT, s.outcome());
        assertEquals(15, s.signal(), "the root itself died of SIGTERM");
        assertEquals(List.of(), s.leftovers());
        assertNoneAlive(tree);
        // Waiting for the tree is ticks on the loop and stat reads on the tree thread, not a spin.
        assertTrue(used[0] - cpu[0] < 100_000_000L, "loop CPU during the drain: " + (used[0] - cpu[0]) / 1000 + " us");
        assertTrue(used[1] - cpu[1] < 300_000_000L, "tree CPU during the drain: " + (used[1] - cpu[1]) / 1000 + " us");
    }

    @Test
    void childIgnoringTermIsKilledWhenTheGraceEnds() throws Exception {
        ManagedProcess p = sh("( trap '' TERM; echo armed; while :; do sleep 0.1; done ) & wait");
        Poll.until("trap armed", () -> p.stdout().end() > 0);
        Map<Integer, Long> tree = members(p, 1);
        Duration grace = Duration.ofMillis(800);
        long t0 = System.nanoTime();
        ExitStatus s = p.stop(grace).get();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertTrue(ms >= grace.toMillis() && ms < grace.toMillis() + 2000, "stop took " + ms + " ms");
        assertEquals(Outcome.HARD_KILLED, s.outcome());
        assertEquals(15, s.signal(), "the root itself died of SIGTERM, within the grace");
        assertFalse(s.leftovers().isEmpty(), "what had to be killed is reported");
        assertTrue(s.leftovers().stream().anyMatch(l -> tree.containsKey(l.pid()) && l.argv().getFirst().equals("sh")),
                "the subshell is among " + s.leftovers());
        assertNoneAlive(tree);
    }

    @Test
    void doubleForkedEscapeeGetsTermAndTheGrace() throws Exception {
        Path done = dir.resolve("F");
        String escapee = "trap 'sleep 1; touch " + done + "; exit 0' TERM; echo armed; while :; do sleep 0.1; done";
        ManagedProcess p = sh("( setsid sh -c \"" + escapee + "\" & ) ; exec sleep 600");
        Poll.until("trap armed", () -> p.stdout().end() > 0);
        Map<Integer, Long> tree = members(p, 1);
        assertTrue(p.descendants().stream().anyMatch(d -> d.comm().equals("sh") && d.session() != p.pid()
                && d.pgrp() != p.pid()), "the escapee left the session and group");
        long t0 = System.nanoTime();
        ExitStatus s = p.stop(GRACE).get();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertTrue(Files.exists(done), "the escapee did not get its grace");
        assertTrue(ms >= 950 && ms < GRACE.toMillis(), "stop took " + ms + " ms");
        assertEquals(Outcome.SOFT_EXIT, s.outcome());
        assertNoneAlive(tree);
    }

    @Test
    void naturalExitStillKillsLeftoversAtOnce() throws Exception {
        Path done = dir.resolve("F");
        String child = "( trap 'sleep 1; touch " + done + "' TERM; while :; do sleep 0.1; done ) &";
        long t0 = System.nanoTime();
        ManagedProcess p = sh(child + " echo started");
        ExitStatus s = p.waitFor(Duration.ofSeconds(10)).orElseThrow();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertEquals(Outcome.NATURAL_EXIT, s.outcome());
        assertFalse(s.leftovers().isEmpty(), "the child was reported");
        assertTrue(ms < 900, "a natural exit waited for its leftovers: " + ms + " ms");
        for (ExitStatus.Leftover l : s.leftovers()) {
            Poll.until("leftover " + l.pid() + " gone", () -> ProcStat.read(l.pid()).map(ProcStat::zombie).orElse(true));
        }
        assertFalse(Files.exists(done), "the leftover got SIGTERM instead of SIGKILL");
    }

    @Test
    void killDuringTheGraceEndsTheRestAtOnce() throws Exception {
        ManagedProcess p = sh("( trap '' TERM; echo armed; while :; do sleep 0.1; done ) & wait");
        Poll.until("trap armed", () -> p.stdout().end() > 0);
        Map<Integer, Long> tree = members(p, 1);
        var stopped = p.stop(Duration.ofSeconds(60));
        Poll.until("the root exited", () -> ProcStat.read(p.pid()).map(ProcStat::zombie).orElse(true));
        assertFalse(stopped.isDone(), "the stop ended with the root");
        long t0 = System.nanoTime();
        ExitStatus s = p.kill().get();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertTrue(ms < 2000, "kill took " + ms + " ms");
        assertEquals(Outcome.HARD_KILLED, s.outcome());
        assertFalse(s.leftovers().isEmpty());
        assertNoneAlive(tree);
    }

    @Test
    void closingTheRuntimeDuringTheGraceLeavesNothing() throws Exception {
        ManagedProcess p = sh("( trap '' TERM; echo armed; while :; do sleep 0.1; done ) & wait");
        Poll.until("trap armed", () -> p.stdout().end() > 0);
        Map<Integer, Long> tree = members(p, 1);
        var stopped = p.stop(Duration.ofSeconds(60));
        Poll.until("the root exited", () -> ProcStat.read(p.pid()).map(ProcStat::zombie).orElse(true));
        long t0 = System.nanoTime();
        runtime.close(); // as a daemon's close does after its shutdown's stops
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertTrue(ms < 5000, "close took " + ms + " ms");
        assertEquals(Outcome.HARD_KILLED, stopped.getNow(null).outcome());
        assertNoneAlive(tree);
    }

    /** The live descendants (pid → start), once there are at least {@code atLeast}. */
    private static Map<Integer, Long> members(ManagedProcess p, int atLeast) {
        Map<Integer, Long> seen = new HashMap<>();
        Poll.until(atLeast + " descendants", () -> {
            for (ProcStat d : p.descendants()) {
                seen.put(d.pid(), d.startTicks());
            }
            return seen.size() >= atLeast;
        });
        return seen;
    }

    private static void assertNoneAlive(Map<Integer, Long> tree) {
        for (Map.Entry<Integer, Long> m : tree.entrySet()) {
            Poll.until("pid " + m.getKey() + " gone", Duration.ofSeconds(2), () -> !alive(m.getKey(), m.getValue()));
        }
    }

    /** CPU time so far of the runtime's loop threads and tree threads, summed over the live ones. */
    private static long[] loopAndTreeCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] out = new long[2];
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            int i = t.getName().equals("steward-io") ? 0 : t.getName().equals("steward-tree") ? 1 : -1;
            if (i >= 0) {
                out[i] += Math.max(0, mx.getThreadCpuTime(t.threadId()));
            }
        }
        return out;
    }
}
