package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.sys.Libc;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SocketsTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    @Test
    void addressesAreWrittenAsSsWritesThem() {
        assertEquals("127.0.0.1:8080", Sockets.address(new byte[] {127, 0, 0, 1}, 8080));
        byte[] loop6 = new byte[16];
        loop6[15] = 1;
        assertEquals("[::1]:443", Sockets.address(loop6, 443));
        assertEquals("[::]:0", Sockets.address(new byte[16], 0));
        byte[] doc = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 5};
        assertEquals("[2001:db8::1:0:0:5]:80", Sockets.address(doc, 80), "the longest zero run is the one shortened");
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        assertEquals("[::ffff:127.0.0.1]:8080", Sockets.address(mapped, 8080));
    }

    @Test
    void udpStatesAreNamedForUdp() {
        assertEquals("LISTEN", Sockets.state(true, 10));
        assertEquals("ESTAB", Sockets.state(true, 1));
        assertEquals("UNCONN", Sockets.state(false, 7));
        assertEquals("ESTAB", Sockets.state(false, 1));
    }

    @Test
    void ourListenerAndConnectionAreOursWithCountersOnlyForTcp() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, lo); Socket client = new Socket(lo, server.getLocalPort());
                Socket accepted = server.accept(); java.net.DatagramSocket udp = new java.net.DatagramSocket(0, lo)) {
            client.getOutputStream().write(new byte[10_000]);
            InputStream in = accepted.getInputStream();
            int got = 0;
            while (got < 10_000) {
                got += in.read(new byte[10_000]);
            }
            // Java's sockets are dual-stack: 127.0.0.1 shows as [::ffff:127.0.0.1] in an IPv6 socket.
            String listen = ":" + server.getLocalPort();
            List<Sockets.Socket> all = Sockets.dump();
            Map<Long, Integer> owners = Sockets.owners(Set.of(SELF));
            Sockets.Socket l = all.stream().filter(s -> s.local().endsWith(listen) && s.state().equals("LISTEN"))
                    .findFirst().orElseThrow();
            assertEquals("tcp", l.protocol());
            assertTrue(l.local().contains("127.0.0.1"), l.local());
            assertEquals(SELF, owners.get(l.inode()), "the listener's inode is behind one of our descriptors");
            Sockets.Socket a = all.stream().filter(s -> s.local().endsWith(listen) && s.state().equals("ESTAB"))
                    .findFirst().orElseThrow();
            assertEquals(SELF, owners.get(a.inode()));
            assertTrue(a.bytesIn() >= 10_000, "bytes in " + a.bytesIn());
            Sockets.Socket u = all.stream().filter(s -> s.local().endsWith(":" + udp.getLocalPort())
                    && s.protocol().equals("udp")).findFirst().orElseThrow();
            assertEquals("UNCONN", u.state());
            assertNull(u.bytesIn(), "UDP has no counters, rather than zeros");
            assertEquals(SELF, owners.get(u.inode()));
            assertTrue(Sockets.owners(Set.of(1)).get(l.inode()) == null, "another process does not hold it");
        }
    }

    @Test
    void ourUnixListenerAndClientAreHeldWithThePathOnBothSides() throws Exception {
        Path dir = Files.createTempDirectory("sockets");
        Path path = dir.resolve("app.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
                    SocketChannel accepted = server.accept()) {
                List<Sockets.Held> mine = Sockets.held(List.of(Set.of(SELF))).getFirst();
                List<Sockets.Socket> unix = mine.stream().map(Sockets.Held::socket)
                        .filter(s -> s.protocol().equals("unix")).toList();
                Sockets.Socket l = unix.stream().filter(s -> s.state().equals("LISTEN")).findFirst().orElseThrow();
                assertEquals(new Sockets.Socket("unix", "unix", "LISTEN", path.toString(), "*", l.inode(), l.uid(),
                        null, null), l);
                assertTrue(unix.stream().anyMatch(s -> s.state().equals("ESTAB") && s.local().equals("*")
                        && s.remote().equals(path.toString())), "the client names the path it connected to: " + unix);
                assertTrue(unix.stream().anyMatch(s -> s.state().equals("ESTAB") && s.local().equals(path.toString())
                        && s.remote().equals("*")), "the accepted end carries the listener's path: " + unix);
                assertTrue(mine.stream().allMatch(h -> h.pid() == SELF));
            }
        } finally {
            Files.deleteIfExists(path);
            Files.delete(dir);
        }
    }

    @Test
    void theNetworkRowIsPartialThroughSockDiagWhenADumpWorks() {
        Capabilities.Capability row = Capabilities.network();
        assertEquals("network", row.category());
        assertEquals(Capabilities.Support.PARTIAL, row.support());
        assertEquals("sock_diag", row.backend());
        assertEquals(Capabilities.NETWORK_REASON, row.reason());
    }

    @Test
    void anUnprivilegedUserStillListsItsOwnSockets() throws Exception {
        Assumptions.assumeTrue(Libc.getuid() == 0, "needs root to switch to nobody");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        // Only this build's modules (api, native, core): nobody cannot read the local Maven repository.
        Path project = Path.of("").toAbsolutePath().getParent();
        List<String> dirs = Arrays.stream(System.getProperty("java.class.path").split(":"))
                .filter(e -> Path.of(e).toAbsolutePath().startsWith(project)).toList();
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", String.join(":", dirs),
                SocketsChild.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("listed partial sock_diag", out);
    }
}
