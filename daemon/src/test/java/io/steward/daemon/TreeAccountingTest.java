package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.SessionEvent;
import io.steward.api.SessionInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A session's figures are its whole tree's: a child's memory counts, and a limit acts on the tree. */
class TreeAccountingTest extends DaemonFixture {
    private static final long MIB = 1024 * 1024;
    /** A child that holds 200 MiB it has written (so resident, not just mapped) under a small shell. */
    private static final String HOG = "python3 -c 'b = b\"x\" * (200 << 20); import time; time.sleep(120)' & wait";

    @Test
    void aChildsMemoryIsTheTreesNotTheRoots() {
        String id = run("argv", List.of("sh", "-c", HOG + "; sleep 1 & wait")).id();
        poll("the tree holds 200 MiB", () -> client.sessions().get(id).treeRssBytes() >= 200 * MIB);
        SessionInfo s = client.sessions().get(id);
        assertTrue(s.rssBytes() < 20 * MIB, "the root shell stays small: " + s.rssBytes());
        assertTrue(s.treeProcesses() >= 2, "the shell and its child: " + s.treeProcesses());
        assertTrue(s.treeCpu().compareTo(Duration.ZERO) > 0, "writing 200 MiB took processor time");
        SessionInfo listed = client.sessions().list(false, null).stream().filter(l -> l.id().equals(id)).findFirst()
                .orElseThrow();
        assertTrue(listed.treeRssBytes() >= 200 * MIB, "ls says so too: " + listed.treeRssBytes());

        String metrics = new String(raw("GET", "/metrics", null).body(), StandardCharsets.UTF_8);
        String labels = "{id=\"" + id + "\",name=\"\"} ";
        assertTrue(metrics.contains("steward_session_tree_processes" + labels), metrics);
        assertTrue(metrics.contains("steward_session_tree_cpu_seconds_total" + labels), metrics);
        long rss = metrics.lines().filter(l -> l.startsWith("steward_session_tree_rss_bytes" + labels))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
        assertTrue(rss >= 200 * MIB, "the metric is the tree's: " + rss);

        client.sessions().stop(id, Duration.ofSeconds(1), true);
        SessionInfo ended = client.sessions().get(id);
        assertEquals(0, ended.treeRssBytes());
        assertEquals(0, ended.treeProcesses());
        assertEquals(ended.cpu(), ended.treeCpu(), "once ended, the root's final figure");
    }

    @Test
    void aTreeOverItsMemoryLimitIsRestartedWithItsPolicy() throws Exception {
        String id = run("argv", List.of("sh", "-c", HOG), "maxMemoryBytes", 100 * MIB, "restart", "always",
                "graceMs", 1000L).id();
        SessionEvent.MemoryExceeded over = event(SessionEvent.MemoryExceeded.class, id);
        assertTrue(over.rssBytes() > 100 * MIB, "the figure: " + over.rssBytes());
        assertEquals(100 * MIB, over.limitBytes());
        assertEquals("restart", over.action());
        SessionEvent.Restarted restarted = event(SessionEvent.Restarted.class, id);
        assertEquals("memory", restarted.reason());
        assertEquals(over.pid(), restarted.previousPid());
        client.sessions().stop(id, Duration.ofSeconds(1), true);
    }

    @Test
    void withoutAPolicyATreeOverItsLimitIsStopped() throws Exception {
        String id = run("argv", List.of("sh", "-c", HOG), "maxMemoryBytes", 100 * MIB, "graceMs", 1000L).id();
        SessionEvent.MemoryExceeded over = event(SessionEvent.MemoryExceeded.class, id);
        assertEquals("stop", over.action());
        SessionInfo ended = waitExit(id);
        assertEquals(SessionInfo.Phase.EXITED, ended.phase());
        assertEquals(0, ended.restarts());
    }

    @Test
    void aTreeUnderItsLimitIsLeftAlone() throws Exception {
        String id = run("argv", List.of("sh", "-c", "sleep 120 & wait"), "maxMemoryBytes", 100 * MIB,
                "restart", "always").id();
        poll("the child counted", () -> client.sessions().get(id).treeProcesses() == 2);
        // The reaper samples every 2 s: three ticks under the limit change nothing.
        long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        while (System.nanoTime() < deadline) {
            SessionInfo s = client.sessions().get(id);
            assertEquals(0, s.restarts());
            assertTrue(s.running());
            Thread.sleep(100);
        }
    }
}
