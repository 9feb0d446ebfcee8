package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.SessionEvent;
import io.steward.api.SessionInfo;
import io.steward.daemon.session.Backoff;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.RestartPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Restart policies: backoff that grows, a limit that ends in errored, and stops that are final. */
class RestartPolicyTest extends DaemonFixture {

    @Test
    void aCrashLoopBacksOffDoublingThenErrors() throws Exception {
        String id = run("argv", List.of("sh", "-c", "echo run; exit 3"), "restart", "on-failure",
                "maxRestarts", 3L, "restartWindowMs", 60_000L).id();
        List<Long> delays = new ArrayList<>();
        try (Events.Subscription sub = daemon.events().subscribe(0)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                Events.Published e = sub.next(100, TimeUnit.MILLISECONDS);
                if (e == null || !id.equals(sessionOf(e.event()))) {
                    continue;
                }
                if (e.event() instanceof SessionEvent.Backoff b) {
                    delays.add(b.delay().toMillis());
                }
                if (e.event() instanceof SessionEvent.Errored) {
                    break;
                }
            }
        }
        assertEquals(List.of(500L, 1000L, 2000L), delays);
        SessionInfo s = client.sessions().get(id);
        assertEquals(SessionInfo.Phase.ERRORED, s.phase());
        assertEquals(3, s.restarts());
        assertFalse(s.restartPending());
        assertEquals(4, text(id).split("run\n", -1).length - 1, "one ring across the four runs: " + text(id));
        assertEquals(3, s.lastExit().exitCode());
    }

    @Test
    void waitingForTheExitLastsThroughRestartsToTheSessionsEnd() throws Exception {
        Path runs = home.resolve("runs");
        String id = run("argv", List.of("sh", "-c", "echo x >> " + runs + "; n=$(wc -l < " + runs + "); "
                + "if [ $n -ge 3 ]; then exit 0; fi; exit 3"), "restart", "on-failure").id();
        SessionInfo view = waitExit(id);
        assertEquals(false, view.timedOut());
        assertEquals(SessionInfo.Phase.EXITED, view.phase());
        assertEquals(0, view.exitCode(), "the last run's exit, not the first failure's");
        assertEquals(2, view.restarts());
        assertFalse(view.restartPending());

        String looping = run("argv", List.of("sh", "-c", "exit 1"), "restart", "always").id();
        SessionInfo cut = client.sessions().await(looping, Duration.ofMillis(1200));
        assertEquals(true, cut.timedOut(), "a session that keeps restarting has not ended: " + cut);
        client.sessions().stop(looping, Duration.ofSeconds(1), false);
        assertEquals(false, waitExit(looping).timedOut(), "stopped, it ends for good");
    }

    @Test
    void aRunOfTenSecondsStartsTheDelaysOver() throws Exception {
        // Fails at once, then runs 10 s and fails: without the reset the second delay would be 1 s.
        Path marker = home.resolve("ran-once");
        String id = run("argv", List.of("sh", "-c", "if [ -e " + marker + " ]; then sleep 10.2; exit 1; fi; "
                + "touch " + marker + "; exit 1"), "restart", "on-failure").id();
        List<Long> delays = new ArrayList<>();
        try (Events.Subscription sub = daemon.events().subscribe(0)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (delays.size() < 2 && System.nanoTime() < deadline) {
                Events.Published e = sub.next(100, TimeUnit.MILLISECONDS);
                if (e != null && e.event() instanceof SessionEvent.Backoff b && id.equals(b.session())) {
                    delays.add(b.delay().toMillis());
                }
            }
        }
        assertEquals(List.of(500L, 500L), delays);
        client.sessions().stop(id, Duration.ofSeconds(1), false);
    }

    @Test
    void aStopDuringBackoffIsFinal() throws Exception {
        String id = run("argv", List.of("sh", "-c", "exit 1"), "restart", "always").id();
        poll("a second backoff", () -> {
            try {
                return event(SessionEvent.Backoff.class, id) != null && client.sessions().get(id).restarts() >= 1
                        && client.sessions().get(id).restartPending();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        int restarts = client.sessions().get(id).restarts();
        client.sessions().stop(id, Duration.ofSeconds(1), false);
        SessionInfo s = client.sessions().get(id);
        assertFalse(s.restartPending());
        assertEquals(SessionInfo.Phase.EXITED, s.phase());
        assertEquals("restart-cancelled", event(SessionEvent.RestartCancelled.class, id).type());
        // The backoff that was due (1 s at most) passes without a restart.
        long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() < until) {
            assertEquals(restarts, client.sessions().get(id).restarts());
            Thread.sleep(100);
        }
    }

    @Test
    void aCleanExitIsNotAFailureAndAUserStopNeverRestarts() throws Exception {
        String clean = run("argv", List.of("true"), "restart", "on-failure").id();
        waitExit(clean);
        String stopped = run("argv", List.of("sleep", "30"), "restart", "always").id();
        client.sessions().stop(stopped, Duration.ofSeconds(1), true);
        long until = System.nanoTime() + Duration.ofMillis(800).toNanos();
        while (System.nanoTime() < until) {
            for (String id : List.of(clean, stopped)) {
                SessionInfo s = client.sessions().get(id);
                assertEquals(0, s.restarts(), id);
                assertFalse(s.restartPending(), id);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void theDelayResetsAfterAHealthyRunAndIsCapped() {
        Backoff b = new Backoff();
        long t = 0;
        assertEquals(0, b.next(false, t));
        assertEquals(1, b.next(false, t));
        assertEquals(2, b.next(false, t));
        assertEquals(0, b.next(true, t), "a process that ran 10 s starts the delays over");
        assertEquals(Duration.ofMillis(500), RestartPolicy.delay(0));
        assertEquals(Duration.ofSeconds(4), RestartPolicy.delay(3));
        assertEquals(Duration.ofSeconds(30), RestartPolicy.delay(6));
        assertEquals(Duration.ofSeconds(30), RestartPolicy.delay(60));
        assertEquals(4, b.within(Duration.ofSeconds(1), t) + 1);
        assertTrue(b.within(Duration.ofNanos(1), t + 10) < 1);
    }

    @Test
    void badPoliciesAreRefused() {
        assertEquals(400, raw("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"restart\":\"sometimes\"}").status());
        assertEquals(400, raw("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"maxRestarts\":3}").status());
        assertEquals(400, raw("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"restart\":\"always\",\"maxRestarts\":0}").status());
        assertEquals(0, names(true).size());
    }
}
