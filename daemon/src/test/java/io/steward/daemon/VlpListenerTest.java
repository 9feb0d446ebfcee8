package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.heartbeat.Frame;
import io.steward.heartbeat.VlpCodec;
import io.steward.sys.UnixAddress;
import io.steward.sys.UnixDatagram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The VLP socket: kernel-attested senders, forged pids, malformed datagrams. */
class VlpListenerTest extends DaemonFixture {
    private static final int SELF = (int) ProcessHandle.current().pid();

    @Test
    void sessionsAreToldOfTheSocket() {
        String id = (String) run("argv", List.of("sh", "-c", "echo \"$STEWARD_BEAT_SOCKET\"")).get("id");
        waitExit(id);
        assertEquals(home.resolve("beats.sock").toString(), text(id).trim());
        assertEquals(home.resolve("beats.sock").toString(), client.beats().get("socket"));
    }

    @Test
    void aBeatFromItsOwnPidIsTrackedAsKernelAttested() throws Exception {
        try (Sender s = new Sender()) {
            s.send(VlpCodec.encode(new Frame(Frame.Status.DEGRADED, SELF, 1, 7, 0)));
        }
        poll("the beat", () -> metric("steward_beats_total{origin=\"kernel-attested\"}") == 1);
        Map<String, Object> agent = agent(SELF);
        assertEquals("kernel-attested", agent.get("origin"));
        assertEquals("degraded", agent.get("status"));
        assertEquals("7", agent.get("lastNonce"));
        assertEquals(null, agent.get("session"));
    }

    @Test
    void aFrameClaimingAnotherPidIsAnAuthFailureAndGetsNoSlot() throws Exception {
        int other = ((Number) run("argv", List.of("sleep", "30")).get("pid")).intValue();
        try (Sender s = new Sender()) {
            s.send(VlpCodec.encode(new Frame(Frame.Status.OK, other, 1, 1, 0)));
        }
        poll("the refusal", () -> metric("steward_beat_drops_total{reason=\"auth-failure\"}") == 1);
        Events.Event e = event("auth-failure", null);
        assertEquals(other, ((Number) e.fields().get("claimedPid")).intValue());
        assertEquals(SELF, ((Number) e.fields().get("senderPid")).intValue());
        assertEquals(null, agent(other));
        assertEquals(0, metric("steward_beats_total{origin=\"kernel-attested\"}"));
    }

    @Test
    void malformedAndTruncatedDatagramsAreCountedAndTheListenerServesOn() throws Exception {
        byte[] good = VlpCodec.encode(new Frame(Frame.Status.OK, SELF, 1, 1, 0));
        byte[] badMagic = good.clone();
        badMagic[0] = 'X';
        byte[] badCrc = good.clone();
        badCrc[28] ^= 1;
        try (Sender s = new Sender()) {
            s.send(badMagic);
            s.send(badCrc);
            s.send(new byte[10]);
            s.send(new byte[6000]);
            s.send(VlpCodec.encode(new Frame(Frame.Status.OK, SELF, 1, 2, 0)));
            s.send(VlpCodec.encode(new Frame(Frame.Status.OK, SELF, 1, 2, 0)));
        }
        poll("every datagram handled", () -> metric("steward_beats_total{origin=\"kernel-attested\"}") == 1
                && metric("steward_beat_drops_total{reason=\"out-of-order\"}") == 1);
        assertEquals(1, metric("steward_beat_decode_errors_total{kind=\"BadMagic\"}"));
        assertEquals(1, metric("steward_beat_decode_errors_total{kind=\"BadCrc\"}"));
        assertEquals(2, metric("steward_beat_decode_errors_total{kind=\"BadLength\"}"));
        assertEquals(4, metric("steward_beat_drops_total{reason=\"decode\"}"));
        assertTrue(event("decode", null).fields().containsKey("kind"));
        assertEquals("ok", daemon.health().get("status"));
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
        String id = (String) run("argv", List.of("sleep", "30"), "stallAfterMs", 200L, "onStall", "restart").get("id");
        long until = System.nanoTime() + 700_000_000L;
        while (System.nanoTime() < until) {
            assertEquals(false, client.session(id).get("stalled"));
            Thread.sleep(Heartbeats.TICK_MILLIS);
        }
        assertEquals(0, metric("steward_stalls_total"));
        assertEquals(0, ((Number) client.session(id).get("restarts")).intValue());
    }

    @Test
    @SuppressWarnings("unchecked")
    void beatsFromTheJavaAgentInASessionsChildKeepItAliveAndTheirSilenceRestartsIt() throws Exception {
        List<String> argv = List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), "--enable-native-access=ALL-UNNAMED",
                BeatingChild.class.getName(), "12", "100");
        String id = (String) run("argv", List.of("sh", "-c", "echo shell $$; \"$@\"; echo silent; exec sleep 30",
                "sh").stream().collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(),
                l -> { l.addAll(argv); return l; })), "stallAfterMs", 600L, "onStall", "restart").get("id");
        poll("the child's beats", () -> metric("steward_beats_total{origin=\"kernel-attested\"}") >= 3);
        Map<String, Object> agent = client.beats().get("agents") instanceof List<?> l && !l.isEmpty()
                ? (Map<String, Object>) l.getFirst() : Map.of();
        assertEquals(id, agent.get("session"));
        assertEquals(false, client.session(id).get("stalled"));
        Events.Event stall = event("stall", id);
        assertEquals("kernel-attested", stall.fields().get("origin"));
        assertEquals(((Number) agent.get("pid")).intValue(), ((Number) stall.fields().get("agentPid")).intValue());
        assertEquals("restarted", event("recovered", id).fields().get("outcome"));
        assertEquals(1, ((Number) event("restarted", id).fields().get("restarts")).intValue());
    }

    private Map<String, Object> agent(int pid) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> agents = (List<Map<String, Object>>) client.beats().get("agents");
        return agents.stream().filter(a -> ((Number) a.get("pid")).intValue() == pid).findFirst().orElse(null);
    }

    /** Sends datagrams to the daemon's VLP socket from this JVM. */
    private final class Sender implements AutoCloseable {
        private final UnixDatagram socket = UnixDatagram.unbound();
        private final UnixAddress to = UnixAddress.of(home.resolve("beats.sock"));
        private final Arena arena = Arena.ofConfined();

        void send(byte[] bytes) throws InterruptedException {
            MemorySegment seg = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
            long deadline = System.nanoTime() + 5_000_000_000L;
            long r;
            while ((r = socket.send(to, seg, bytes.length)) == -io.steward.sys.Errno.EAGAIN && System.nanoTime() < deadline) {
                Thread.sleep(1); // the daemon drains; the kernel queue holds about a dozen
            }
            assertEquals(bytes.length, r);
        }

        @Override
        public void close() {
            socket.close();
            arena.close();
        }
    }
}
