package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.HeartbeatEvent;
import io.steward.api.SessionEvent;
import io.steward.api.SessionInfo;
import io.steward.daemon.beats.Heartbeats;
import io.steward.sys.UnixAddress;
import io.steward.sys.UnixDatagram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** sd_notify through per-session sockets, with the real {@code systemd-notify}, and stall recovery. */
class NotifyTest extends DaemonFixture {

    @Test
    void systemdNotifyReportsReadyAndStatusAndItsBarrierIsReleased() {
        // timeout(1) turns a hang on the barrier into exit 124, so the output tells.
        SessionInfo s = run("argv", List.of("sh", "-c",
                "timeout 10 systemd-notify --ready --status='warming up'; echo notify-rc=$?; exec sleep 30"),
                "notify", true);
        String id = s.id();
        // (it may be ready already when run answers: systemd-notify can be that quick)
        SessionInfo ready = client.sessions().awaitReady(id, Duration.ofSeconds(15));
        assertEquals(true, ready.heartbeat().ready());
        assertEquals(false, ready.timedOut());
        poll("systemd-notify to return", () -> text(id).contains("notify-rc="));
        assertTrue(text(id).contains("notify-rc=0"), text(id));
        assertEquals("warming up", client.sessions().get(id).heartbeat().status());
        assertTrue(metric("steward_notify_fds_closed_total") >= 1, "the barrier's fd was closed");
    }

    @Test
    void readinessWaitEndsWhenTheProcessEndsFirst() {
        String id = run("argv", List.of("sh", "-c", "exit 3"), "notify", true).id();
        SessionInfo r = client.sessions().awaitReady(id, Duration.ofSeconds(15));
        assertEquals(false, r.heartbeat().ready());
        assertEquals(false, r.timedOut());
        assertEquals(SessionInfo.Phase.EXITED, r.phase());
    }

    @Test
    void watchdogSilenceRestartsTheSessionWithinThresholdPlusATick() throws Exception {
        SessionInfo s = run("argv", List.of("sh", "-c",
                "echo run pid=$$ wpid=$WATCHDOG_PID usec=$WATCHDOG_USEC; systemd-notify WATCHDOG=1; exec sleep 30"),
                "name", "wd", "watchdogMs", 500L, "onStall", "restart");
        String id = s.id();
        long firstPid = s.pid();
        HeartbeatEvent.Stall stall = event(HeartbeatEvent.Stall.class, id);
        long silent = stall.silent().toMillis();
        assertTrue(silent >= 500 && silent <= 500 + Heartbeats.TICK_MILLIS + 200, "stall seen after " + silent + " ms");
        assertEquals("restart", stall.action());
        SessionEvent.Restarted restarted = event(SessionEvent.Restarted.class, id);
        assertEquals(firstPid, restarted.previousPid());
        SessionInfo now = client.sessions().get(id);
        assertEquals(id, now.id());
        assertEquals("wd", now.name());
        assertTrue(now.restarts() >= 1);
        assertNotEquals(firstPid, now.pid());
        assertEquals("TERM", now.lastExit().signal());
        // Same rings: the first run's line is still there, the second follows it.
        poll("the second run's line", () -> text(id).split("run pid=", -1).length >= 3);
        String first = text(id).lines().findFirst().orElseThrow();
        assertTrue(first.equals("run pid=" + firstPid + " wpid=" + firstPid + " usec=500000"), first);
        assertTrue(metric("steward_recoveries_total{outcome=\"restarted\"}") >= 1);
    }

    @Test
    void stallCanSignalTheSession() throws Exception {
        String id = run("argv", List.of("sh", "-c",
                "trap 'echo got-usr1' USR1; systemd-notify WATCHDOG=1; while :; do sleep 0.05; done"), "watchdogMs", 300L,
                "onStall", "signal:USR1").id();
        HeartbeatEvent.Recovered recovered = event(HeartbeatEvent.Recovered.class, id);
        assertEquals("signalled", recovered.outcome());
        poll("the trap to run", () -> text(id).contains("got-usr1"));
        assertEquals(SessionInfo.Phase.RUNNING, client.sessions().get(id).phase());
        assertTrue(client.sessions().get(id).heartbeat().stalled());
    }

    @Test
    void aSessionKilledWhileAStallRestartStopsItEndsAndIsReleasedAfterItsRetain() throws Exception {
        String id = run("argv", List.of("sh", "-c",
                "trap 'echo got-term' TERM; systemd-notify WATCHDOG=1; while :; do sleep 0.05; done"),
                "watchdogMs", 300L, "onStall", "restart", "graceMs", 10_000L, "retainMs", 300L).id();
        poll("the recovery's SIGTERM, which the program ignores", () -> text(id).contains("got-term"));
        client.sessions().kill(id);
        SessionInfo end = waitExit(id);
        assertEquals(false, end.timedOut(), "the kill ends the session: the recovery does not restart it");
        assertEquals(0, end.restarts());
        HeartbeatEvent.RecoveryRefused refused = event(HeartbeatEvent.RecoveryRefused.class, id);
        assertEquals("user-stopped", refused.reason());
        poll("the session released once its retain has passed", () -> client.sessions().list(true, null).stream()
                .noneMatch(s -> id.equals(s.id())));
    }

    @Test
    void aStoppedSessionIsNotRestarted() throws Exception {
        String id = run("argv", List.of("sleep", "30"), "stallAfterMs", 200L, "onStall", "restart").id();
        client.sessions().stop(id, Duration.ofSeconds(5), true);
        // Checked over three thresholds' worth of ticks: an exited session is never watched.
        long until = System.nanoTime() + 600_000_000L;
        while (System.nanoTime() < until) {
            assertEquals(0, client.sessions().get(id).restarts());
            assertEquals(SessionInfo.Phase.EXITED, client.sessions().get(id).phase());
            Thread.sleep(Heartbeats.TICK_MILLIS);
        }
        assertEquals(0, metric("steward_stalls_total"));
    }

    @Test
    void foreignAndMalformedNotifyDatagramsAreRefusedAndCounted() throws Exception {
        String id = run("argv", List.of("sleep", "30"), "notify", true).id();
        Path socket = home.resolve("notify").toFile().listFiles()[0].toPath();
        try (UnixDatagram sender = UnixDatagram.unbound(); Arena arena = Arena.ofConfined()) {
            UnixAddress to = UnixAddress.of(socket);
            // From this JVM, which is not in the session's tree.
            send(sender, to, arena, "READY=1".getBytes(StandardCharsets.UTF_8));
            send(sender, to, arena, "READY=1\0x".getBytes(StandardCharsets.UTF_8));
            send(sender, to, arena, new byte[5000]);
        }
        poll("three refusals", () -> metric("steward_beat_drops_total{reason=\"foreign-sender\"}") == 1
                && metric("steward_notify_refused_total{reason=\"embedded-nul\"}") == 1
                && metric("steward_notify_refused_total{reason=\"too-large\"}") == 1);
        assertEquals(false, client.sessions().get(id).heartbeat().ready());
        assertEquals("notify", event(HeartbeatEvent.AuthFailure.class, id).transport());
    }

    @Test
    void aProcessOutsideTheTreeCannotSpeakForASessionByCopyingItsTag() throws Exception {
        String id = run("argv", List.of("sh", "-c", "echo \"$NOTIFY_SOCKET $STEWARD_ORIGINATOR\"; exec sleep 30"),
                "notify", true).id();
        poll("the session's socket and tag", () -> text(id).contains("steward-"));
        String[] told = text(id).trim().split(" ");
        // Not in the session's tree, but with its notify socket and its originator tag, as any process
        // of the same user could find them (the socket's name, /proc/PID/environ).
        ProcessBuilder pb = new ProcessBuilder("timeout", "10", "systemd-notify", "--ready", "--status=forged");
        pb.environment().put("NOTIFY_SOCKET", told[0]);
        pb.environment().put("STEWARD_ORIGINATOR", told[1]);
        Process forger = pb.redirectErrorStream(true).start();
        assertTrue(forger.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "systemd-notify returned");
        poll("the refusal", () -> metric("steward_beat_drops_total{reason=\"foreign-sender\"}") >= 1
                || Boolean.TRUE.equals(client.sessions().get(id).heartbeat().ready()));
        SessionInfo.Heartbeat s = client.sessions().get(id).heartbeat();
        assertEquals(false, s.ready(), "a forged READY=1 made the session ready");
        assertEquals(null, s.status(), "a forged STATUS= was shown");
        assertTrue(metric("steward_beat_drops_total{reason=\"foreign-sender\"}") >= 1);
        assertEquals("foreign-sender", event(HeartbeatEvent.AuthFailure.class, id).reason());
    }

    @Test
    void aWatchedSessionThatNeverProvesItIsAliveStallsAfterItsStartTimeout() throws Exception {
        String id = run("argv", List.of("sleep", "30"), "stallAfterMs", 200L, "startTimeoutMs", 600L,
                "onStall", "restart").id();
        assertEquals(Duration.ofMillis(600), client.sessions().get(id).heartbeat().startTimeout());
        HeartbeatEvent.Stall stall = event(HeartbeatEvent.Stall.class, id);
        assertEquals("start-timeout", stall.reason());
        long silent = stall.silent().toMillis();
        assertTrue(silent >= 600 && silent <= 600 + Heartbeats.TICK_MILLIS + 300, "stall seen after " + silent + " ms");
        assertEquals(Duration.ofMillis(600), stall.threshold());
        assertEquals("restarted", event(HeartbeatEvent.Recovered.class, id).outcome());
    }

    @Test
    void theStartTimeoutIsSystemdsNinetySecondsUnlessSetAndNeedsAThreshold() {
        String watched = run("argv", List.of("sleep", "30"), "watchdogMs", 5000L).id();
        assertEquals(Duration.ofSeconds(90), client.sessions().get(watched).heartbeat().startTimeout());
        String unwatched = run("argv", List.of("sleep", "30")).id();
        assertEquals(null, client.sessions().get(unwatched).heartbeat().startTimeout());
        var r = raw("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"startTimeoutMs\":1000}");
        assertEquals(400, r.status(), r.text());
        assertTrue(r.text().contains("startTimeoutMs"), r.text());
        var zero = raw("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"stallAfterMs\":100,\"startTimeoutMs\":0}");
        assertEquals(400, zero.status(), zero.text());
        assertEquals(2, names(true).size(), "a refused request starts nothing");
    }

    @Test
    void onStallNeedsAThreshold() {
        var r = raw("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"onStall\":\"restart\"}");
        assertEquals(400, r.status());
        var bad = raw("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"stallAfterMs\":100,\"onStall\":\"signal:NOPE\"}");
        assertEquals(400, bad.status());
        assertEquals(0, names(true).size());
    }

    private static void send(UnixDatagram sender, UnixAddress to, Arena arena, byte[] bytes) {
        MemorySegment seg = arena.allocate(bytes.length);
        MemorySegment.copy(bytes, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
        assertEquals(bytes.length, sender.send(to, seg, bytes.length));
    }
}
