package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A tree's members are known from birth: a descendant that leaves the session, the group and the
 * environment, and loses its parent, is still the tree's and dies with it.
 */
class MembershipTest extends RuntimeTestBase {
    private static final String ESCAPE = "env -i setsid -f sleep 600; echo escaped; exec sleep 600";

    /** The escapee: the sleep that is not the root, once it runs in a session of its own. */
    private static ProcStat escapee(ManagedProcess p) {
        Poll.until("the escapee", () -> p.stdout().end() > 0 && find(p).isPresent());
        return find(p).orElseThrow();
    }

    private static Optional<ProcStat> find(ManagedProcess p) {
        return ProcStat.all().stream()
                .filter(s -> s.comm().equals("sleep") && s.pid() != p.pid() && s.session() == s.pid()
                        && p.tree().bornPids().contains(s.pid()))
                .findFirst();
    }

    @Test
    void anEscapeeIsAMemberFromBirthAndDiesWithAStop() throws Exception {
        assertEquals("proc-connector", runtime.membershipStatus().backend(), runtime.membershipStatus().reason());
        Map<Integer, Long> escapes = new ConcurrentHashMap<>();
        runtime.onEscape((root, pid, start) -> escapes.put(pid, start));
        ManagedProcess p = sh(ESCAPE);
        ProcStat e = escapee(p);
        assertTrue(e.ppid() != p.pid(), "re-parented away from the shell");
        Poll.until("the escape reported", () -> escapes.containsKey(e.pid()));
        assertEquals(e.startTicks(), escapes.get(e.pid()));
        assertTrue(p.descendants().stream().anyMatch(d -> d.pid() == e.pid()), "listed in the tree");

        p.stop(Duration.ofSeconds(2)).get();
        Poll.until("the escapee gone", () -> !alive(e.pid(), e.startTicks()));
    }

    @Test
    void anEscapeeDiesWithAKillAndWithTheRootsOwnExit() throws Exception {
        ManagedProcess killed = sh(ESCAPE);
        ProcStat e1 = escapee(killed);
        killed.kill().get();
        Poll.until("the first escapee gone", () -> !alive(e1.pid(), e1.startTicks()));

        ManagedProcess ends = sh("env -i setsid -f sleep 600; echo escaped; sleep 0.3");
        ProcStat e2 = escapee(ends);
        ExitStatus s = ends.onExit().get();
        assertEquals(0, s.exitCode());
        Poll.until("the second escapee gone", () -> !alive(e2.pid(), e2.startTicks()));
        assertTrue(s.leftovers().stream().anyMatch(l -> l.pid() == e2.pid()), s.toString());
    }

    @Test
    void closingTheRuntimeEndsEscapees() throws Exception {
        ManagedProcess p = sh(ESCAPE);
        ProcStat e = escapee(p);
        runtime.close();
        assertFalse(alive(e.pid(), e.startTicks()));
    }

    @Test
    void everyForkExecAndExitOfAnObservedTreeIsReported() throws Exception {
        List<ProcessActivity> seen = new CopyOnWriteArrayList<>();
        runtime.onProcessActivity((root, a) -> seen.add(a));
        ManagedProcess p = runtime.spawn(ProcessSpec.builder("sh", "-c",
                "for i in $(seq 100); do /bin/true; done; (setsid sleep 30 &); exec sleep 30")
                .observe(java.util.Set.of(Observe.PROCESS)).build());
        // /bin/true lives a few hundred microseconds: its name is read when it still can be.
        Poll.until("100 execs of true", () -> seen.stream().filter(a -> a.kind() == ProcessActivity.Kind.EXEC
                && a.pid() != p.pid() && (a.comm() == null || a.comm().equals("true"))).count() >= 100);
        Poll.until("the setsid sleep", () -> seen.stream().anyMatch(a -> a.kind() == ProcessActivity.Kind.EXEC
                && "sleep".equals(a.comm()) && a.pid() != p.pid()));
        long forks = seen.stream().filter(a -> a.kind() == ProcessActivity.Kind.FORKED).count();
        long exits = seen.stream().filter(a -> a.kind() == ProcessActivity.Kind.EXITED && a.exitCode() != null
                && a.exitCode() == 0).count();
        assertTrue(forks >= 102, "forks " + forks);
        assertTrue(exits >= 100, "exits " + exits);
        ProcessActivity exec = seen.stream().filter(a -> a.kind() == ProcessActivity.Kind.EXEC
                && "sleep".equals(a.comm()) && a.pid() != p.pid()).findFirst().orElseThrow();
        ProcStat escapee = ProcStat.read(exec.pid()).orElseThrow();
        assertTrue(p.descendants().stream().anyMatch(d -> d.pid() == exec.pid()));
        p.stop(Duration.ofSeconds(2)).get();
        Poll.until("the setsid sleep gone", () -> !alive(escapee.pid(), escapee.startTicks()));
        // An unobserved tree tells nothing.
        int before = seen.size();
        sh("/bin/true; /bin/true").onExit().get();
        p.onExit().get();
        assertEquals(before, seen.stream().filter(a -> a.at() != null).count());
    }

    @Test
    void withoutTheConnectorAPollAttributesTheEscapee() throws Exception {
        runtime.close();
        runtime = ProcessRuntime.create(new ProcessRuntime.Options(false, 0));
        assertEquals("proc-poll", runtime.membershipStatus().backend());
        ManagedProcess p = sh(ESCAPE);
        Poll.until("escaped", () -> p.stdout().end() > 0);
        long rescans = runtime.membershipStatus().rescans();
        Poll.until("a poll after the escape", Duration.ofSeconds(10),
                () -> runtime.membershipStatus().rescans() > rescans + 1);
        ProcStat e = escapee(p);
        p.stop(Duration.ofSeconds(2)).get();
        Poll.until("the escapee gone", () -> !alive(e.pid(), e.startTicks()));
    }

    @Test
    void lossUnderAForkStormIsCountedAndARescanPutsTheTreeRight() throws Exception {
        runtime.close();
        // A buffer of a few messages: the storm must overrun it.
        runtime = ProcessRuntime.create(new ProcessRuntime.Options(true, 4096));
        ManagedProcess p = sh("( seq 3000 | xargs -P 8 -n 1 /bin/true ) & "
                + "for i in $(seq 10); do (setsid sleep 60 &); done; wait; echo done; exec sleep 60");
        Poll.until("the storm over", Duration.ofSeconds(60), () -> p.stdout().end() > 0);
        ProcessRuntime.MembershipStatus s = runtime.membershipStatus();
        assertTrue(s.lost() + s.overruns() > 0, s.toString());
        Poll.until("a rescan", () -> runtime.membershipStatus().rescans() > 0);
        java.util.Set<Integer> sleeps = new java.util.HashSet<>();
        for (ProcStat st : ProcStat.all()) {
            if (st.comm().equals("sleep") && st.session() == st.pid() && st.pid() != p.pid()
                    && ProcStat.cmdline(st.pid()).equals(List.of("sleep", "60"))
                    && scanOriginator(st.pid()).equals(p.originator())) {
                sleeps.add(st.pid());
            }
        }
        assertEquals(10, sleeps.size(), "the ten setsid sleeps run");
        // Every live member is known and nothing dead is: events lost or not.
        try {
            Poll.until("the members right", Duration.ofSeconds(10), () -> {
                java.util.Set<Integer> born = new java.util.HashSet<>(p.tree().bornPids());
                born.removeIf(pid -> ProcStat.read(pid).filter(st -> !st.zombie()).isEmpty());
                return born.containsAll(sleeps) && born.size() == p.tree().bornPids().size();
            });
        } catch (AssertionError e) {
            List<String> born = p.tree().bornPids().stream().map(pid -> pid + ":" + ProcStat.read(pid)
                    .map(st -> st.comm() + "/" + st.state()).orElse("gone")).toList();
            throw new AssertionError(e.getMessage() + ": born " + born + ", sleeps " + sleeps + ", "
                    + runtime.membershipStatus());
        }
        p.kill().get();
        for (int pid : sleeps) {
            Poll.until("sleep " + pid + " gone", () -> ProcStat.read(pid).filter(st -> !st.zombie()).isEmpty());
        }
    }

    private static String scanOriginator(int pid) {
        try {
            String env = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + pid + "/environ")),
                    java.nio.charset.StandardCharsets.UTF_8);
            for (String kv : env.split("\0")) {
                if (kv.startsWith(ProcessSpec.ORIGINATOR_VAR + "=")) {
                    return kv.substring(ProcessSpec.ORIGINATOR_VAR.length() + 1);
                }
            }
        } catch (java.io.IOException e) {
            return "";
        }
        return "";
    }
}
