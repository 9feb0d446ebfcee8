package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.steward.api.BeatOrigin;
import io.steward.api.HeartbeatEvent;
import io.steward.api.SessionInfo;
import io.steward.daemon.beats.Heartbeats;
import io.steward.heartbeat.Frame;
import io.steward.heartbeat.VlpCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The UDP listener: beats count, but nobody vouches for them, so they never drive recovery by default. */
class UdpBeatsTest extends DaemonFixture {
    @Override
    Heartbeats.Config beats() {
        return new Heartbeats.Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false);
    }

    @Test
    void udpBeatsFromAStalledAgentNeverTriggerRecovery() throws Exception {
        SessionInfo s = run("argv", List.of("sleep", "30"), "stallAfterMs", 400L, "onStall", "restart");
        String id = s.id();
        int pid = (int) s.pid();
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.heartbeats().udpPort());
        try (DatagramChannel udp = DatagramChannel.open()) {
            for (int nonce = 1; nonce <= 3; nonce++) {
                udp.send(ByteBuffer.wrap(VlpCodec.encode(new Frame(Frame.Status.OK, pid, 1, nonce, 0))), to);
            }
        }
        poll("three UDP beats", () -> metric("steward_beats_total{origin=\"network-unverified\"}") == 3);
        HeartbeatEvent.Stall stall = event(HeartbeatEvent.Stall.class, id);
        assertEquals(BeatOrigin.NETWORK_UNVERIFIED, stall.origin());
        HeartbeatEvent.RecoveryRefused refused = event(HeartbeatEvent.RecoveryRefused.class, id);
        assertEquals("network-unverified", refused.reason());
        assertEquals(1, metric("steward_recovery_refusals_total{reason=\"network-unverified\"}"));
        assertEquals(0, metric("steward_recoveries_total{outcome=\"restarted\"}"));
        SessionInfo now = client.sessions().get(id);
        assertEquals(0, now.restarts());
        assertEquals(pid, now.pid());
        assertEquals(SessionInfo.Phase.RUNNING, now.phase());
    }

    @Test
    void aKernelAttestedBeatOutranksAnEarlierUdpClaim() throws Exception {
        // The shell execs the sender once told to, so the pid claimed over UDP first is the sender's.
        List<String> argv = new java.util.ArrayList<>(List.of("sh", "-c", "read go; exec \"$@\"", "sh"));
        argv.addAll(javaChild(VlpSenderChild.class.getName(), "frame:ok:2"));
        SessionInfo s = run("argv", argv);
        String id = s.id();
        int pid = (int) s.pid();
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.heartbeats().udpPort());
        try (DatagramChannel udp = DatagramChannel.open()) {
            udp.send(ByteBuffer.wrap(VlpCodec.encode(new Frame(Frame.Status.OK, pid, 1, 1, 0))), to);
        }
        poll("the UDP beat", () -> metric("steward_beats_total{origin=\"network-unverified\"}") == 1);
        client.sessions().send(id, "go\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
        poll("the attested beat", () -> metric("steward_beats_total{origin=\"kernel-attested\"}") == 1);
        try (DatagramChannel udp = DatagramChannel.open()) {
            udp.send(ByteBuffer.wrap(VlpCodec.encode(new Frame(Frame.Status.OK, pid, 1, 3, 0))), to);
        }
        poll("the weaker claim refused", () -> metric("steward_beat_drops_total{reason=\"origin-conflict\"}") == 1);
        assertEquals(BeatOrigin.KERNEL_ATTESTED, event(HeartbeatEvent.OriginConflict.class, null).slotOrigin());
    }
}
