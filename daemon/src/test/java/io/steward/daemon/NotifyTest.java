package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.HeartbeatEvent;
import io.steward.api.SessionEvent;
import io.steward.daemon.beats.Heartbeats;
import io.steward.sys.UnixAddress;
import io.steward.sys.UnixDatagram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** sd_notify through per-session sockets, with the real {@code systemd-notify}, and stall recovery. */
class NotifyTest extends DaemonFixture {

    @Test
    void systemdNotifyReportsReadyAndStatusAndItsBarrierIsReleased() {
        // timeout(1) turns a hang on the barrier into exit 124, so the output tells.
        Map<String, Object> s = run("argv", List.of("sh", "-c",
                "timeout 10 systemd-notify --ready --status='warming up'; echo notify-rc=$?; exec sleep 30"),
                "notify", true);
        String id = (String) s.get("id");
        assertEquals(false, s.get("ready"));
        Map<String, Object> ready = client.awaitReady(id, 15_000);
        assertEquals(true, ready.get("ready"));
        assertEquals(false, ready.get("timedOut"));
        poll("systemd-notify to return", () -> text(id).contains("notify-rc="));
        assertTrue(text(id).contains("notify-rc=0"), text(id));
        assertEquals("warming up", client.session(id).get("status"));
        assertTrue(metric("steward_notify_fds_closed_total") >= 1, "the barrier's fd was closed");
    }

    @Test
    void readinessWaitEndsWhenTheProcessEndsFirst() {
        String id = (String) run("argv", List.of("sh", "-c", "exit 3"), "notify", true).get("id");
        Map<String, Object> r = client.awaitReady(id, 15_000);
        assertEquals(false, r.get("ready"));
        assertEquals(false, r.get("timedOut"));
        assertEquals("exited", r.get("phase"));
    }

    @Test
    void watchdogSilenceRestartsTheSessionWithinThresholdPlusATick() throws Exception {
        Map<String, Object> s = run("argv", List.of("sh", "-c",
                "echo run pid=$$ wpid=$WATCHDOG_PID usec=$WATCHDOG_USEC; systemd-notify WATCHDOG=1; exec sleep 30"),
                "name", "wd", "watchdogMs", 500L, "onStall", "restart");
        String id = (String) s.get("id");
        int firstPid = ((Number) s.get("pid")).intValue();
        HeartbeatEvent.Stall stall = event(HeartbeatEvent.Stall.class, id);
        long silent = stall.silent().toMillis();
        assertTrue(silent >= 500 && silent <= 500 + Heartbeats.TICK_MILLIS + 200, "stall seen after " + silent + " ms");
        assertEquals("restart", stall.action());
        SessionEvent.Restarted restarted = event(SessionEvent.Restarted.class, id);
        assertEquals(firstPid, restarted.previousPid());
        Map<String, Object> now = client.session(id);
        assertEquals(id, now.get("id"));
        assertEquals("wd", now.get("name"));
        assertTrue(((Number) now.get("restarts")).intValue() >= 1);
        assertNotEquals(firstPid, ((Number) now.get("pid")).intValue());
        assertEquals("TERM", ((Map<?, ?>) now.get("lastExit")).get("signal"));
        // Same rings: the first run's line is still there, the second follows it.
        poll("the second run's line", () -> text(id).split("run pid=", -1).length >= 3);
        String first = text(id).lines().findFirst().orElseThrow();
        assertTrue(first.equals("run pid=" + firstPid + " wpid=" + firstPid + " usec=500000"), first);
        assertTrue(metric("steward_recoveries_total{outcome=\"restarted\"}") >= 1);
    }

    @Test
    void stallCanSignalTheSession() throws Exception {
        String id = (String) run("argv", List.of("sh", "-c",
                "trap 'echo got-usr1' USR1; systemd-notify WATCHDOG=1; while :; do sleep 0.05; done"), "watchdogMs", 300L,
                "onStall", "signal:USR1").get("id");
        HeartbeatEvent.Recovered recovered = event(HeartbeatEvent.Recovered.class, id);
        assertEquals("signalled", recovered.outcome());
        poll("the trap to run", () -> text(id).contains("got-usr1"));
        assertEquals("running", client.session(id).get("phase"));
        assertEquals(true, client.session(id).get("stalled"));
    }

    @Test
    void aSessionKilledWhileAStallRestartStopsItEndsAndIsReleasedAfterItsRetain() throws Exception {
        String id = (String) run("argv", List.of("sh", "-c",
                "trap 'echo got-term' TERM; systemd-notify WATCHDOG=1; while :; do sleep 0.05; done"),
                "watchdogMs", 300L, "onStall", "restart", "graceMs", 10_000L, "retainMs", 300L).get("id");
        poll("the recovery's SIGTERM, which the program ignores", () -> text(id).contains("got-term"));
        client.kill(id);
        Map<String, Object> end = waitExit(id);
        assertEquals(false, end.get("timedOut"), "the kill ends the session: the recovery does not restart it");
        assertEquals(0, ((Number) end.get("restarts")).intValue());
        HeartbeatEvent.RecoveryRefused refused = event(HeartbeatEvent.RecoveryRefused.class, id);
        assertEquals("user-stopped", refused.reason());
        poll("the session released once its retain has passed", () -> client.list(true).stream()
                .noneMatch(s -> id.equals(s.get("id"))));
    }

    @Test
    void aStoppedSessionIsNotRestarted() throws Exception {
        String id = (String) run("argv", List.of("sleep", "30"), "stallAfterMs", 200L, "onStall", "restart").get("id");
        client.stop(id, 5000, true);
        // Checked over three thresholds' worth of ticks: an exited session is never watched.
        long until = System.nanoTime() + 600_000_000L;
        while (System.nanoTime() < until) {
            assertEquals(0, ((Number) client.session(id).get("restarts")).intValue());
            assertEquals("exited", client.session(id).get("phase"));
            Thread.sleep(Heartbeats.TICK_MILLIS);
        }
        assertEquals(0, metric("steward_stalls_total"));
    }

    @Test
    void foreignAndMalformedNotifyDatagramsAreRefusedAndCounted() throws Exception {
        String id = (String) run("argv", List.of("sleep", "30"), "notify", true).get("id");
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
        assertEquals(false, client.session(id).get("ready"));
        assertEquals("notify", event(HeartbeatEvent.AuthFailure.class, id).transport());
    }

    @Test
    void aProcessOutsideTheTreeCannotSpeakForASessionByCopyingItsTag() throws Exception {
        String id = (String) run("argv", List.of("sh", "-c", "echo \"$NOTIFY_SOCKET $STEWARD_ORIGINATOR\"; exec sleep 30"),
                "notify", true).get("id");
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
                || Boolean.TRUE.equals(client.session(id).get("ready")));
        Map<String, Object> s = client.session(id);
        assertEquals(false, s.get("ready"), "a forged READY=1 made the session ready");
        assertEquals(null, s.get("status"), "a forged STATUS= was shown");
        assertTrue(metric("steward_beat_drops_total{reason=\"foreign-sender\"}") >= 1);
        assertEquals("foreign-sender", event(HeartbeatEvent.AuthFailure.class, id).reason());
    }

    @Test
    void aWatchedSessionThatNeverProvesItIsAliveStallsAfterItsStartTimeout() throws Exception {
        String id = (String) run("argv", List.of("sleep", "30"), "stallAfterMs", 200L, "startTimeoutMs", 600L,
                "onStall", "restart").get("id");
        assertEquals(600, ((Number) client.session(id).get("startTimeoutMs")).intValue());
        HeartbeatEvent.Stall stall = event(HeartbeatEvent.Stall.class, id);
        assertEquals("start-timeout", stall.reason());
        long silent = stall.silent().toMillis();
        assertTrue(silent >= 600 && silent <= 600 + Heartbeats.TICK_MILLIS + 300, "stall seen after " + silent + " ms");
        assertEquals(Duration.ofMillis(600), stall.threshold());
        assertEquals("restarted", event(HeartbeatEvent.Recovered.class, id).outcome());
    }

    @Test
    void theStartTimeoutIsSystemdsNinetySecondsUnlessSetAndNeedsAThreshold() {
        String watched = (String) run("argv", List.of("sleep", "30"), "watchdogMs", 5000L).get("id");
        assertEquals(90_000, ((Number) client.session(watched).get("startTimeoutMs")).intValue());
        String unwatched = (String) run("argv", List.of("sleep", "30")).get("id");
        assertEquals(null, client.session(unwatched).get("startTimeoutMs"));
        var r = raw("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"startTimeoutMs\":1000}");
        assertEquals(400, r.status(), r.text());
        assertTrue(r.text().contains("startTimeoutMs"), r.text());
        var zero = raw("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"stallAfterMs\":100,\"startTimeoutMs\":0}");
        assertEquals(400, zero.status(), zero.text());
        assertEquals(2, client.list(true, null).size(), "a refused request starts nothing");
    }

    @Test
    void onStallNeedsAThreshold() {
        var r = raw("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"onStall\":\"restart\"}");
        assertEquals(400, r.status());
        var bad = raw("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"stallAfterMs\":100,\"onStall\":\"signal:NOPE\"}");
        assertEquals(400, bad.status());
        assertEquals(0, client.list(true, null).size());
    }

    private static void send(UnixDatagram sender, UnixAddress to, Arena arena, byte[] bytes) {
        MemorySegment seg = arena.allocate(bytes.length);
        MemorySegment.copy(bytes, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
        assertEquals(bytes.length, sender.send(to, seg, bytes.length));
    }
}
