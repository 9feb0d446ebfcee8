package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.steward.api.BeatOrigin;
import io.steward.api.HeartbeatEvent;
import io.steward.daemon.beats.Heartbeats;
import io.steward.heartbeat.Frame;
import io.steward.heartbeat.VlpCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With --allow-unverified-recovery, a stall proven by UDP beats is acted on like any other. */
class UnverifiedRecoveryTest extends DaemonFixture {
    @Override
    Heartbeats.Config beats() {
        return new Heartbeats.Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), true);
    }

    @Test
    void theOperatorMayAllowRecoveryOnUnverifiedBeats() throws Exception {
        var s = run("argv", List.of("sleep", "30"), "stallAfterMs", 300L, "onStall", "restart");
        String id = s.id();
        int pid = (int) s.pid();
        try (DatagramChannel udp = DatagramChannel.open()) {
            udp.send(ByteBuffer.wrap(VlpCodec.encode(new Frame(Frame.Status.OK, pid, 1, 1, 0))),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.heartbeats().udpPort()));
        }
        assertEquals(BeatOrigin.NETWORK_UNVERIFIED, event(HeartbeatEvent.Stall.class, id).origin());
        assertEquals("restarted", event(HeartbeatEvent.Recovered.class, id).outcome());
        assertEquals(0, metric("steward_recovery_refusals_total{reason=\"network-unverified\"}"));
    }
}
