package io.steward.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class SockDestroyListenerTest {
    private static final int FIVE_MB = 5 * 1024 * 1024;
    private static final int TCP_CLOSE = 7;

    /** Drains until a destroyed socket matches, polling the fd so no time is slept. */
    static InetSocket await(SockDestroyListener l, List<InetSocket> seen, Predicate<InetSocket> match, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            Optional<InetSocket> hit = seen.stream().filter(match).findFirst();
            if (hit.isPresent()) {
                return hit.get();
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("no destroy broadcast within " + millis + " ms; saw " + seen.size());
            }
            Libc.poll(l.fd(), Libc.POLLIN, (int) Math.max(1, left));
            l.drain(seen::add);
        }
    }

    @Test
    void aClosedTcpConnectionIsBroadcastWithItsFinalByteCounts() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        List<InetSocket> seen = new ArrayList<>();
        try (SockDestroyListener l = SockDestroyListener.open(); ServerSocket server = new ServerSocket(0, 1, lo)) {
            int port = server.getLocalPort();
            int clientPort;
            long clientCookie;
            try (Socket client = new Socket(lo, port); Socket accepted = server.accept()) {
                clientPort = client.getLocalPort();
                clientCookie = SockDiag.dump().stream()
                        .filter(s -> s.localPort() == clientPort && s.remotePort() == port).findFirst()
                        .orElseThrow().cookie();
                Thread writer = Thread.ofPlatform().start(() -> {
                    try (OutputStream out = client.getOutputStream()) {
                        out.write(new byte[FIVE_MB]);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                InputStream in = accepted.getInputStream();
                byte[] sink = new byte[256 * 1024];
                long got = 0;
                for (int n; (n = in.read(sink)) >= 0; ) {
                    got += n;
                }
                writer.join();
                assertEquals(FIVE_MB, got);
            }
            long closedAt = System.nanoTime();
            InetSocket sender = await(l, seen, s -> s.localPort() == clientPort && s.remotePort() == port, 1000);
            InetSocket receiver = await(l, seen, s -> s.localPort() == port && s.remotePort() == clientPort, 1000);
            long millis = (System.nanoTime() - closedAt) / 1_000_000;
            assertTrue(millis < 1000, "both broadcasts within 1 s, took " + millis + " ms");
            assertEquals(SockDiag.IPPROTO_TCP, sender.protocol());
            // Java's sockets are dual-stack: AF_INET6 even when bound to 127.0.0.1.
            assertTrue(sender.family() == SockDiag.AF_INET || sender.family() == SockDiag.AF_INET6);
            assertEquals(TCP_CLOSE, sender.state());
            assertEquals(clientCookie, sender.cookie(), "the cookie of the dump names the destroyed socket");
            assertEquals(0, sender.inode(), "a broadcast carries no inode");
            // tcp_info is in the broadcast; the SYN and FIN each count one byte once acknowledged.
            assertTrue(sender.bytesAcked() >= FIVE_MB && sender.bytesAcked() <= FIVE_MB + 2, "acked " + sender.bytesAcked());
            assertTrue(receiver.bytesReceived() >= FIVE_MB && receiver.bytesReceived() <= FIVE_MB + 2,
                    "received " + receiver.bytesReceived());
            assertEquals(0, l.losses());
        }
    }

    @Test
    void aThousandSocketsClosedInABurstAreAllHeardWithNoLoss() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        Set<Integer> clientPorts = new HashSet<>();
        Set<Integer> heard = new HashSet<>();
        try (SockDestroyListener l = SockDestroyListener.open(); ServerSocket server = new ServerSocket(0, 512, lo)) {
            int port = server.getLocalPort();
            for (int i = 0; i < 500; i++) {
                try (Socket c = new Socket(lo, port); Socket a = server.accept()) {
                    clientPorts.add(c.getLocalPort());
                }
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (heard.size() < 2 * clientPorts.size() && System.nanoTime() < deadline) {
                Libc.poll(l.fd(), Libc.POLLIN, 100);
                l.drain(s -> {
                    if (s.remotePort() == port && clientPorts.contains(s.localPort())) {
                        heard.add(s.localPort());
                    } else if (s.localPort() == port && clientPorts.contains(s.remotePort())) {
                        heard.add(-s.remotePort());
                    }
                });
            }
            assertEquals(0, l.losses(), "no ENOBUFS at this rate");
            assertEquals(2 * clientPorts.size(), heard.size(), "both ends of every connection");
        }
    }

    @Test
    void broadcastsDroppedByAFullBufferAreCountedAsLosses() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        // The kernel's smallest receive buffer holds a handful of broadcasts; nobody drains meanwhile.
        try (SockDestroyListener l = SockDestroyListener.withReceiveBuffer(1, SockDestroyListener.SKNLGRP_INET_TCP_DESTROY,
                SockDestroyListener.SKNLGRP_INET6_TCP_DESTROY); ServerSocket server = new ServerSocket(0, 512, lo)) {
            int port = server.getLocalPort();
            for (int i = 0; i < 200; i++) {
                try (Socket c = new Socket(lo, port); Socket a = server.accept()) {
                    assertTrue(a.isConnected());
                }
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            int heard = 0;
            while (l.losses() == 0 && System.nanoTime() < deadline) {
                Libc.poll(l.fd(), Libc.POLLIN, 100);
                heard += l.drain(s -> {});
            }
            assertTrue(l.losses() > 0, "ENOBUFS counted; heard " + heard);
            assertTrue(heard < 400, "some of the 400 broadcasts were dropped, heard " + heard);
        }
    }

    @Test
    void aClosedUdpSocketIsBroadcastWithoutCounters() throws Exception {
        List<InetSocket> seen = new ArrayList<>();
        try (SockDestroyListener l = SockDestroyListener.open()) {
            int port;
            try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                port = udp.getLocalPort();
            }
            InetSocket u = await(l, seen, s -> s.localPort() == port && s.protocol() == SockDiag.IPPROTO_UDP, 1000);
            assertEquals(-1, u.bytesAcked());
            assertNotEquals(0, u.cookie());
        }
    }

    @Test
    void anUnprivilegedUserHearsDestroyBroadcasts() throws Exception {
        Assumptions.assumeTrue(Libc.getuid() == 0, "needs root to switch to nobody");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        // Only this module's classes: nobody cannot read the local Maven repository.
        Path project = Path.of("").toAbsolutePath();
        List<String> dirs = Arrays.stream(System.getProperty("java.class.path").split(":"))
                .filter(e -> Path.of(e).toAbsolutePath().startsWith(project)).toList();
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                String.join(":", dirs), SockDestroyChild.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("heard 1001", out, "1000 bytes and the FIN, with no CAP_NET_ADMIN");
    }

    @Test
    void onlyDestroyGroupsCanBeJoined() {
        assertThrows(IllegalArgumentException.class, () -> SockDestroyListener.open(5));
    }
}
