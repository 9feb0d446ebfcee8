package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.SessionInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One session's heartbeat traffic costs no other session its beats. */
class BeatFairnessTest extends DaemonFixture {
    @Test
    void twoFloodingSessionsCostAWellBehavedSessionNoBeat() {
        // At the lowest priority: they need little CPU to keep a queue full, and the beating child and
        // the daemon must not be starved of the two CPUs a test machine may have.
        for (int i = 0; i < 2; i++) {
            List<String> argv = new ArrayList<>(List.of("nice", "-n", "19"));
            argv.addAll(javaChild(FloodingChild.class.getName()));
            run("argv", argv, "name", "flood" + i);
        }
        poll("both floods reaching the daemon", () -> text("flood0").contains("flooding")
                && text("flood1").contains("flooding")
                && metric("steward_beat_drops_total{reason=\"rate-limited\"}") > 50_000);
        String id = run("argv", javaChild(BeatingChild.class.getName(), "30", "100"), "stallAfterMs", 1000L,
                "onStall", "restart").id();
        SessionInfo end = waitExit(id);
        assertEquals(false, end.timedOut(), "the beating child ended: " + end);
        assertEquals(0, end.exitCode(), text(id));
        assertTrue(text(id).contains("sent=30 dropped=0"), "every beat reached the daemon: " + text(id));
        SessionInfo s = client.sessions().get(id);
        assertEquals(0, s.heartbeat().stalls(), "stalls");
        assertEquals(0, s.restarts(), "restarts");
    }
}
