package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.BeatOrigin;
import io.steward.api.BeatStats;
import io.steward.api.HealthInfo;
import io.steward.api.HeartbeatEvent;
import io.steward.api.SessionEvent;
import io.steward.api.SessionInfo;
import io.steward.daemon.beats.Heartbeats;
import io.steward.daemon.http.ApiServer;
import io.steward.sys.UnixDatagram;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The VLP socket: kernel-attested senders, forged pids, malformed datagrams. */
class VlpListenerTest extends DaemonFixture {
    @Test
    void everySessionHasASocketOfItsOwnRemovedWhenTheSessionIsReleased() throws Exception {
        String a = run("argv", List.of("sh", "-c", "echo \"$STEWARD_BEAT_SOCKET\"")).id();
        String b = run("argv", List.of("sh", "-c", "echo \"$STEWARD_BEAT_SOCKET\"")).id();
        waitExit(a);
        waitExit(b);
        Path pa = Path.of(text(a).trim());
        Path pb = Path.of(text(b).trim());
        assertNotEquals(pa, pb);
        for (Path p : List.of(pa, pb)) {
            assertEquals(home.resolve("beats"), p.getParent());
            assertTrue(Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) instanceof Integer mode
                    && (mode & 0170000) == 0140000, p + " is a socket");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pa.getParent())));
        assertEquals(home.resolve("beats").toString(), client.daemon().beats().socketDir());
        assertTrue(Files.notExists(home.resolve("beats.sock")), "no socket shared by every session");
        assertEquals(2, metric("steward_session_sockets"));
        client.sessions().remove(a);
        poll("the released session's socket removed", () -> Files.notExists(pa));
        assertTrue(Files.exists(pb), "the other session keeps its own");
        poll("its descriptor closed", () -> metric("steward_session_sockets") == 1);
    }

    @Test
    void aSessionThatCannotStartLeavesNoSocketBehind() throws Exception {
        var r = raw("POST", "/v1/sessions", "{\"argv\":[\"/nonexistent/program\"],\"notify\":true}");
        assertEquals(400, r.status(), r.text());
        poll("its sockets closed", () -> metric("steward_session_sockets") == 0);
        for (String dir : List.of("beats", "notify")) {
            try (var files = Files.list(home.resolve(dir))) {
                assertEquals(List.of(), files.toList(), dir + " is empty again");
            }
        }
    }

    @Test
    void socketsADeadDaemonLeftAreRemovedWhenTheNextStarts() throws Exception {
        server.close();
        daemon.close();
        List<Path> stale = List.of(home.resolve("beats/0123456789ab"), home.resolve("notify/0123456789ab"));
        for (Path p : stale) {
            Files.createDirectories(p.getParent());
            UnixDatagram.bind(p).close(); // closed without removing its file, as by a SIGKILL
            assertTrue(Files.exists(p, LinkOption.NOFOLLOW_LINKS));
        }
        Path other = Files.writeString(home.resolve("beats/not-a-socket"), "kept");
        daemon = Daemon.open(stewardHome, beats());
        server = ApiServer.start(daemon);
        for (Path p : stale) {
            assertTrue(Files.notExists(p, LinkOption.NOFOLLOW_LINKS), p + " removed");
        }
        assertEquals("kept", Files.readString(other), "only sockets are removed");
        assertEquals(0, metric("steward_session_sockets"));
    }

    @Test
    void aBeatFromItsOwnPidIsTrackedAsKernelAttested() throws Exception {
        SessionInfo s = run("argv", javaChild(VlpSenderChild.class.getName(), "frame:degraded:7"));
        String id = s.id();
        poll("the beat", () -> metric("steward_beats_total{origin=\"kernel-attested\"}") == 1);
        BeatStats.Agent agent = agent(s.pid());
        assertEquals(BeatOrigin.KERNEL_ATTESTED, agent.origin());
        assertEquals(BeatStats.Status.DEGRADED, agent.status());
        assertEquals(7, agent.lastNonce());
        assertEquals(id, agent.session());
        assertFalse(client.sessions().get(id).heartbeat().lastBeatAge().isNegative());
    }

    @Test
    void aFrameClaimingAnotherPidIsAnAuthFailureAndGetsNoSlot() throws Exception {
        long other = run("argv", List.of("sleep", "30")).pid();
        long sender = run("argv", javaChild(VlpSenderChild.class.getName(), "claim:" + other + ":1")).pid();
        poll("the refusal", () -> metric("steward_beat_drops_total{reason=\"auth-failure\"}") == 1);
        HeartbeatEvent.AuthFailure e = event(HeartbeatEvent.AuthFailure.class, null);
        assertEquals(other, e.claimedPid());
        assertEquals(sender, e.senderPid());
        assertEquals(null, agent(other));
        assertEquals(0, metric("steward_beats_total{origin=\"kernel-attested\"}"));
    }

    @Test
    void malformedAndTruncatedDatagramsAreCountedAndTheListenerServesOn() throws Exception {
        String id = run("argv", javaChild(VlpSenderChild.class.getName(), "corrupt:0:1", "corrupt:28:1",
                "zeros:10", "zeros:6000", "frame:ok:2", "frame:ok:2")).id();
        poll("every datagram handled", () -> metric("steward_beats_total{origin=\"kernel-attested\"}") == 1
                && metric("steward_beat_drops_total{reason=\"out-of-order\"}") == 1 && text(id).contains("sent 6"));
        assertEquals(1, metric("steward_beat_decode_errors_total{kind=\"BadMagic\"}"));
        assertEquals(1, metric("steward_beat_decode_errors_total{kind=\"BadCrc\"}"));
        assertEquals(2, metric("steward_beat_decode_errors_total{kind=\"BadLength\"}"));
        assertEquals(4, metric("steward_beat_drops_total{reason=\"decode\"}"));
        assertTrue(event(HeartbeatEvent.Decode.class, null).kind() != null);
        assertEquals(HealthInfo.Status.OK, daemon.health().status());
    }

    @Test
    void everyLabelIsPresentAtZero() {
        assertEquals(0, metric("steward_beats_total{origin=\"network-unverified\"}"));
        assertEquals(0, metric("steward_beat_drops_total{reason=\"namespace-conflict\"}"));
        assertEquals(0, metric("steward_beat_decode_errors_total{kind=\"StallOnWire\"}"));
        assertEquals(0, metric("steward_recovery_refusals_total{reason=\"cross-namespace\"}"));
        assertEquals(0, metric("steward_recoveries_total{outcome=\"failed\"}"));
        assertEquals(0, metric("steward_stalls_total"));
        assertEquals(0, metric("steward_beat_evictions_total"));
    }

    @Test
    void aSessionIsNotWatchedBeforeItsFirstProofOfLife() throws Exception {
        String id = run("argv", List.of("sleep", "30"), "stallAfterMs", 200L, "onStall", "restart").id();
        long until = System.nanoTime() + 700_000_000L;
        while (System.nanoTime() < until) {
            assertFalse(client.sessions().get(id).heartbeat().stalled());
            Thread.sleep(Heartbeats.TICK_MILLIS);
        }
        assertEquals(0, metric("steward_stalls_total"));
        assertEquals(0, client.sessions().get(id).restarts());
    }

    @Test
    void beatsFromTheJavaAgentInASessionsChildKeepItAliveAndTheirSilenceRestartsIt() throws Exception {
        List<String> argv = List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), "--enable-native-access=ALL-UNNAMED",
                BeatingChild.class.getName(), "12", "100");
        String id = run("argv", List.of("sh", "-c", "echo shell $$; \"$@\"; echo silent; exec sleep 30",
                "sh").stream().collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(),
                l -> { l.addAll(argv); return l; })), "stallAfterMs", 600L, "onStall", "restart").id();
        poll("the child's beats", () -> metric("steward_beats_total{origin=\"kernel-attested\"}") >= 3);
        BeatStats.Agent agent = client.daemon().beats().agents().getFirst();
        assertEquals(id, agent.session());
        assertFalse(client.sessions().get(id).heartbeat().stalled());
        HeartbeatEvent.Stall stall = event(HeartbeatEvent.Stall.class, id);
        assertEquals(BeatOrigin.KERNEL_ATTESTED, stall.origin());
        assertEquals(agent.pid(), stall.agentPid());
        assertEquals("restarted", event(HeartbeatEvent.Recovered.class, id).outcome());
        assertEquals(1, event(SessionEvent.Restarted.class, id).restarts());
    }

    @Test
    void aProcessOutsideTheTreeCannotBeatForASessionByCopyingItsTag() throws Exception {
        String id = run("argv", List.of("sh", "-c",
                "echo \"$STEWARD_BEAT_SOCKET $STEWARD_ORIGINATOR\"; exec sleep 30"), "stallAfterMs", 60_000L).id();
        poll("the session's socket and tag", () -> text(id).contains("steward-"));
        String[] told = text(id).trim().split(" ");
        ProcessBuilder pb = new ProcessBuilder(javaChild(BeatingChild.class.getName(), "5", "20"));
        pb.environment().put("STEWARD_BEAT_SOCKET", told[0]);
        pb.environment().put("STEWARD_ORIGINATOR", told[1]);
        Process forger = pb.redirectErrorStream(true).start();
        assertTrue(forger.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the forger finished");
        String said = new String(forger.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(said.contains("sent=5 dropped=0"), said);
        poll("its five beats judged", () -> metric("steward_beat_drops_total{reason=\"foreign-sender\"}")
                + metric("steward_beats_total{origin=\"kernel-attested\"}") >= 5);
        assertEquals(5, metric("steward_beat_drops_total{reason=\"foreign-sender\"}"));
        assertEquals(0, metric("steward_beats_total{origin=\"kernel-attested\"}"));
        assertEquals(null, client.sessions().get(id).heartbeat().lastBeatAge(),
                "the session was credited with a forger's beats");
        assertEquals(null, agent(forger.pid()), "a refused sender is not tracked");
    }

    private BeatStats.Agent agent(long pid) {
        return client.daemon().beats().agents().stream().filter(a -> a.pid() == pid).findFirst().orElse(null);
    }
}
