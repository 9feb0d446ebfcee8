package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Outcome;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StopTest extends RuntimeTestBase {
    @Test
    void exitOnTermIsSoft() throws Exception {
        ManagedProcess p = spawn("sleep", "60");
        CompletableFuture<ExitStatus> f = p.stop(Duration.ofSeconds(30));
        // stop returns at once; the exit follows
        ExitStatus s = f.get();
        assertEquals(Outcome.SOFT_EXIT, s.outcome());
        assertEquals(15, s.signal());
    }

    @Test
    void ignoringTermIsHardKilledAfterTheGrace() throws Exception {
        ManagedProcess p = sh("trap '' TERM; echo armed; while :; do sleep 1; done");
        Poll.until("trap armed", () -> p.stdout().end() > 0);
        long t0 = System.nanoTime();
        ExitStatus s = p.stop(Duration.ofMillis(300)).get();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Outcome.HARD_KILLED, s.outcome());
        assertEquals(9, s.signal());
        assertTrue(ms >= 300, "killed before the grace ran out: " + ms + " ms");
    }

    @Test
    void untouchedIsNatural() throws Exception {
        assertEquals(Outcome.NATURAL_EXIT, sh("exit 0").waitFor().outcome());
    }

    @Test
    void stopReturnsBeforeTheExitEvenWithLongGrace() throws Exception {
        ManagedProcess p = sh("trap '' TERM; echo armed; while :; do sleep 1; done");
        Poll.until("trap armed", () -> p.stdout().end() > 0);
        CompletableFuture<ExitStatus> f = p.stop(Duration.ofSeconds(30));
        assertFalse(f.isDone());
        assertEquals(ManagedProcess.Phase.STOPPING, waitForPhase(p, ManagedProcess.Phase.STOPPING));
        assertEquals(Outcome.HARD_KILLED, p.kill().get().outcome());
    }

    private static ManagedProcess.Phase waitForPhase(ManagedProcess p, ManagedProcess.Phase phase) {
        Poll.until("phase " + phase, () -> p.phase() == phase);
        return p.phase();
    }

    @Test
    void stopKillsAWholeTreeIncludingASetsidEscapee() throws Exception {
        // three grandchildren under a child, and a double-forked escapee in its own session
        ManagedProcess p = sh("sh -c 'sleep 301 & sleep 302 & sleep 303 & wait' & "
                + "( setsid sh -c 'sleep 304' & ) ; wait");
        Map<Integer, Long> seen = new HashMap<>();
        Poll.until("four sleeps", () -> {
            for (ProcStat d : p.descendants()) {
                if (d.comm().equals("sleep")) {
                    seen.put(d.pid(), d.startTicks());
                }
            }
            return seen.size() == 4;
        });
        ProcStat escapee = seen.keySet().stream().map(pid -> ProcStat.read(pid).orElseThrow())
                .filter(s -> s.session() != p.pid()).findFirst().orElseThrow();
        assertTrue(escapee.session() != p.pid(), "the escapee left the session");
        p.stop(Duration.ofSeconds(2)).get();
        Poll.until("no survivor", () -> seen.entrySet().stream().noneMatch(e -> alive(e.getKey(), e.getValue())));
    }

    @Test
    void naturalExitKillsLeftoversAndReportsThem() throws Exception {
        ManagedProcess p = sh("( setsid sleep 305 & ) ; sleep 306 & echo started");
        ExitStatus s = p.waitFor();
        List<ExitStatus.Leftover> left = s.leftovers();
        assertEquals(2, left.size(), left.toString());
        for (ExitStatus.Leftover l : left) {
            Poll.until("leftover " + l.pid() + " gone", () -> ProcStat.read(l.pid()).map(ProcStat::zombie).orElse(true));
        }
    }

    @Test
    void childrenOfAThreadThatEndedKeepTheirExit() throws Exception {
        // Children belong to the spawning thread; when it ends, Linux moves them to the main thread,
        // beside real orphans. They must still be reaped by their own process, status intact.
        ManagedProcess[] box = new ManagedProcess[1];
        Thread t = Thread.ofPlatform().start(() -> box[0] = spawn("sleep", "60"));
        t.join();
        ManagedProcess p = box[0];
        int self = (int) ProcessHandle.current().pid();
        Poll.until("re-parented to the main thread", () -> {
            try {
                return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/task/" + self + "/children"))
                        .contains(Integer.toString(p.pid()));
            } catch (java.io.IOException e) {
                return false;
            }
        });
        runtime.adoptZombies();
        java.util.concurrent.CompletableFuture<Boolean> watched = new java.util.concurrent.CompletableFuture<>();
        runtime.loop().execute(() -> watched.complete(runtime.watchingOrphan(p.pid())));
        assertFalse(watched.get(), "a child of ours was taken for an orphan");
        p.kill();
        ExitStatus s = p.waitFor();
        assertEquals(9, s.signal());
        assertEquals(Outcome.HARD_KILLED, s.outcome());
    }

    @Test
    void pidsZeroAndOneAreNeverSignalled() {
        for (int pid : new int[] {-1, 0, 1}) {
            assertFalse(ProcessTree.signalGroup(pid, 0));
            assertFalse(ProcessTree.signalExact(pid, 0, 0));
        }
    }

    @Test
    void signalGoesToTheGroup() throws Exception {
        ManagedProcess p = sh("trap 'echo got-usr1; exit 3' USR1; echo armed; while :; do sleep 1; done");
        Poll.until("trap armed", () -> p.stdout().end() > 0);
        p.signal(io.steward.sys.Signal.USR1);
        assertEquals(3, p.waitFor().code());
        assertTrue(text(p.stdout()).contains("got-usr1"));
    }
}
