package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.BeatStats;
import io.steward.api.SessionInfo;
import io.steward.client.StewardClient;
import io.steward.sys.Libc;
import io.steward.sys.Signal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A daemon that could not look (stopped with SIGSTOP, as a debugger, a suspended container or an
 * overloaded host stops it) has not seen its sessions fall silent: the beats that waited in their
 * sockets are taken first, and every watched session gets a fresh threshold before it is judged.
 */
class ClockGapTest {
    @Test
    void aDaemonPausedLongerThanAThresholdRestartsNoSessionThatKeptBeating() throws Exception {
        try (ExternalDaemon d = ExternalDaemon.start()) {
            StewardClient c = d.client;
            String id = DaemonFixture.runOn(c, "argv", List.of(ExternalDaemon.java(), "-cp",
                    ExternalDaemon.classPath(), "--enable-native-access=ALL-UNNAMED", BeatingChild.class.getName(),
                    "1000", "200"), "stallAfterMs", 2000L, "onStall", "restart").id();
            DaemonFixture.poll("the first beats", () -> c.sessions().get(id).heartbeat().lastBeatAge() != null);

            Libc.check("kill", Libc.kill(d.pid(), Signal.STOP.number()));
            Thread.sleep(5000); // the pause under test: longer than the 2 s threshold
            Libc.check("kill", Libc.kill(d.pid(), Signal.CONT.number()));

            // Watched on for more than a threshold after the pause: 15 beats of 200 ms.
            long before = agentBeats(c, id);
            DaemonFixture.poll("15 beats after the pause", () -> agentBeats(c, id) >= before + 15
                    || c.sessions().get(id).restarts() > 0);
            SessionInfo s = c.sessions().get(id);
            assertEquals(0, s.restarts(), "a healthy session was restarted");
            assertEquals(0, s.heartbeat().stalls(), "a healthy session was declared stalled");
            assertEquals(0, metric(c, "steward_stalls_total"));
            assertTrue(metric(c, "steward_beat_clock_gaps_total") >= 1, "the gap was seen and counted");
        }
    }

    /** Beats from the session's agents, as {@code steward beats} shows them; -1 before any. */
    private static long agentBeats(StewardClient c, String id) {
        return c.daemon().beats().agents().stream().filter(a -> id.equals(a.session()))
                .mapToLong(BeatStats.Agent::beats).max().orElse(-1);
    }

    private static long metric(StewardClient c, String sample) {
        String text = new String(c.raw("GET", "/metrics", null, null).body(), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Long.parseLong(line.substring(sample.length() + 1).trim());
            }
        }
        throw new AssertionError("no sample " + sample + " in /metrics");
    }
}
