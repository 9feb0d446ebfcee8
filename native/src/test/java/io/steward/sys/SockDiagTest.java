package io.steward.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SockDiagTest {
    private static final int TCP_ESTABLISHED = 1;
    private static final int TCP_LISTEN = 10;

    /** Writes netlink messages the way the kernel lays them out, each padded to 4 bytes. */
    private static final class Builder {
        final MemorySegment buf = Arena.ofAuto().allocate(4096, 8);
        long at;

        long message(int type) {
            long start = at;
            buf.set(ValueLayout.JAVA_SHORT, start + 4, (short) type);
            at += SockDiagDecoder.NLMSGHDR.byteSize();
            return start;
        }

        void end(long start) {
            buf.set(ValueLayout.JAVA_INT, start, (int) (at - start));
            at = SockDiagDecoder.align(at);
        }

        long diagMsg(int family, int state, byte[] src, int sport, byte[] dst, int dport, int uid, int inode) {
            long m = at;
            buf.set(ValueLayout.JAVA_BYTE, m, (byte) family);
            buf.set(ValueLayout.JAVA_BYTE, m + 1, (byte) state);
            long id = m + SockDiagDecoder.ID_OFFSET;
            buf.set(ValueLayout.JAVA_BYTE, id, (byte) (sport >> 8));
            buf.set(ValueLayout.JAVA_BYTE, id + 1, (byte) sport);
            buf.set(ValueLayout.JAVA_BYTE, id + 2, (byte) (dport >> 8));
            buf.set(ValueLayout.JAVA_BYTE, id + 3, (byte) dport);
            MemorySegment.copy(src, 0, buf, ValueLayout.JAVA_BYTE, id + 4, src.length);
            MemorySegment.copy(dst, 0, buf, ValueLayout.JAVA_BYTE, id + 20, dst.length);
            buf.set(ValueLayout.JAVA_INT, m + SockDiagDecoder.UID_OFFSET, uid);
            buf.set(ValueLayout.JAVA_INT, m + SockDiagDecoder.INODE_OFFSET, inode);
            at += SockDiagDecoder.INET_DIAG_MSG.byteSize();
            return m;
        }

        void unixMsg(int type, int state, int inode, int cookieLow, int cookieHigh) {
            long m = at;
            buf.set(ValueLayout.JAVA_BYTE, m, (byte) SockDiag.AF_UNIX);
            buf.set(ValueLayout.JAVA_BYTE, m + 1, (byte) type);
            buf.set(ValueLayout.JAVA_BYTE, m + 2, (byte) state);
            buf.set(ValueLayout.JAVA_INT, m + SockDiagDecoder.UNIX_INODE_OFFSET, inode);
            buf.set(ValueLayout.JAVA_INT, m + SockDiagDecoder.UNIX_COOKIE_OFFSET, cookieLow);
            buf.set(ValueLayout.JAVA_INT, m + SockDiagDecoder.UNIX_COOKIE_OFFSET + 4, cookieHigh);
            at += SockDiagDecoder.UNIX_DIAG_MSG.byteSize();
        }

        void bytesAttr(int type, byte[] payload) {
            long p = attr(type, payload.length);
            MemorySegment.copy(payload, 0, buf, ValueLayout.JAVA_BYTE, p, payload.length);
        }

        /** An rtattr whose payload starts 4-byte (not 8-byte) aligned, as the kernel's do. */
        long attr(int type, int payload) {
            long a = at;
            buf.set(ValueLayout.JAVA_SHORT, a, (short) (4 + payload));
            buf.set(ValueLayout.JAVA_SHORT, a + 2, (short) type);
            at = SockDiagDecoder.align(a + 4 + payload);
            return a + 4;
        }

        MemorySegment bytes() {
            return buf.asSlice(0, at);
        }
    }

    @Test
    void decodesSocketsWithTheirCountersFromTheStructLayout() {
        Builder b = new Builder();
        long m1 = b.message(20);
        b.diagMsg(SockDiag.AF_INET, TCP_ESTABLISHED, new byte[] {127, 0, 0, 1}, 8080, new byte[] {10, 1, 2, 3},
                54321, 1000, 0xdeadbeef);
        b.attr(1, 10); // INET_DIAG_MEMINFO-sized filler: odd length, so the next attribute is padded
        long info = b.attr(SockDiagDecoder.INET_DIAG_INFO, 232);
        assertEquals(4, info % 8, "the tcp_info payload is only 4-byte aligned here");
        b.buf.set(ValueLayout.JAVA_LONG_UNALIGNED, info + SockDiagDecoder.TCPI_BYTES_ACKED, 5_000_000_123L);
        b.buf.set(ValueLayout.JAVA_LONG_UNALIGNED, info + SockDiagDecoder.TCPI_BYTES_RECEIVED, 102_400L);
        b.end(m1);
        long m2 = b.message(20);
        byte[] v6 = new byte[16];
        v6[15] = 1;
        b.diagMsg(SockDiag.AF_INET6, TCP_LISTEN, v6, 443, new byte[16], 0, 0, 77);
        b.end(m2);
        long done = b.message(SockDiagDecoder.NLMSG_DONE);
        b.at += 4;
        b.end(done);

        List<InetSocket> out = new ArrayList<>();
        assertTrue(SockDiagDecoder.decode(b.bytes(), SockDiag.IPPROTO_TCP, out));
        assertEquals(2, out.size());
        InetSocket a = out.get(0);
        assertEquals(SockDiag.AF_INET, a.family());
        assertEquals(SockDiag.IPPROTO_TCP, a.protocol());
        assertEquals(TCP_ESTABLISHED, a.state());
        assertArrayEquals(new byte[] {127, 0, 0, 1}, a.localAddress());
        assertEquals(8080, a.localPort());
        assertArrayEquals(new byte[] {10, 1, 2, 3}, a.remoteAddress());
        assertEquals(54321, a.remotePort());
        assertEquals(1000, a.uid());
        assertEquals(0xdeadbeefL, a.inode(), "the inode is unsigned");
        assertEquals(5_000_000_123L, a.bytesAcked());
        assertEquals(102_400L, a.bytesReceived());
        InetSocket l = out.get(1);
        assertEquals(TCP_LISTEN, l.state());
        assertArrayEquals(v6, l.localAddress());
        assertEquals(443, l.localPort());
        assertEquals(-1, l.bytesAcked(), "no INET_DIAG_INFO: no counters rather than zeros");
        assertEquals(-1, l.bytesReceived());
    }

    @Test
    void aBroadcastNamesItsProtocolAndCookie() {
        Builder b = new Builder();
        long m = b.message(20);
        long msg = b.diagMsg(SockDiag.AF_INET6, 7, new byte[16], 5353, new byte[16], 0, 0, 0);
        long cookie = msg + SockDiagDecoder.ID_OFFSET + SockDiagDecoder.COOKIE_OFFSET;
        b.buf.set(ValueLayout.JAVA_INT, cookie, 0x89abcdef);
        b.buf.set(ValueLayout.JAVA_INT, cookie + 4, 0x1234567);
        long proto = b.attr(SockDiagDecoder.INET_DIAG_PROTOCOL, 1);
        b.buf.set(ValueLayout.JAVA_BYTE, proto, (byte) SockDiag.IPPROTO_UDP);
        b.end(m);
        List<InetSocket> out = new ArrayList<>();
        SockDiagDecoder.decode(b.bytes(), SockDiag.IPPROTO_TCP, out);
        assertEquals(SockDiag.IPPROTO_UDP, out.getFirst().protocol(), "the attribute wins over the caller's guess");
        assertEquals(0x0123456789abcdefL, out.getFirst().cookie(), "low half first, unsigned");
    }

    @Test
    void aBufferWithoutDoneAsksForMore() {
        Builder b = new Builder();
        long m = b.message(20);
        b.diagMsg(SockDiag.AF_INET, 7, new byte[4], 53, new byte[4], 0, 0, 5);
        b.end(m);
        List<InetSocket> out = new ArrayList<>();
        assertFalse(SockDiagDecoder.decode(b.bytes(), SockDiag.IPPROTO_UDP, out));
        assertEquals(SockDiag.IPPROTO_UDP, out.getFirst().protocol());
    }

    @Test
    void anErrorMessageThrowsWithTheKernelsErrno() {
        Builder b = new Builder();
        long m = b.message(SockDiagDecoder.NLMSG_ERROR);
        b.buf.set(ValueLayout.JAVA_INT, b.at, -Errno.EPERM);
        b.at += 4 + SockDiagDecoder.NLMSGHDR.byteSize();
        b.end(m);
        NativeException e = assertThrows(NativeException.class,
                () -> SockDiagDecoder.decode(b.bytes(), SockDiag.IPPROTO_TCP, new ArrayList<>()));
        assertEquals(Errno.EPERM, e.errno());
        assertTrue(e.getMessage().startsWith("sock_diag(SOCK_DIAG_BY_FAMILY): EPERM"), e.getMessage());
    }

    @Test
    void aTruncatedMessageIsAnErrorNotAGuess() {
        Builder b = new Builder();
        long m = b.message(20);
        b.diagMsg(SockDiag.AF_INET, 1, new byte[4], 1, new byte[4], 1, 0, 1);
        b.end(m);
        MemorySegment cut = b.bytes().asSlice(0, 40);
        assertThrows(IllegalStateException.class,
                () -> SockDiagDecoder.decode(cut, SockDiag.IPPROTO_TCP, new ArrayList<>()));
    }

    @Test
    void decodesUnixSocketsWithPathAbstractNamePeerAndOwner() {
        Builder b = new Builder();
        long m1 = b.message(20);
        b.unixMsg(1, TCP_LISTEN, 0xfeedf00d, 0x89abcdef, 0x1234567);
        b.bytesAttr(SockDiagDecoder.UNIX_DIAG_NAME, "/run/app.sock\0".getBytes(StandardCharsets.UTF_8));
        long uid = b.attr(SockDiagDecoder.UNIX_DIAG_UID, 4);
        b.buf.set(ValueLayout.JAVA_INT, uid, 1000);
        b.end(m1);
        long m2 = b.message(20);
        b.unixMsg(2, 7, 42, 0, 0);
        b.bytesAttr(SockDiagDecoder.UNIX_DIAG_NAME, "\0bus".getBytes(StandardCharsets.UTF_8));
        long peer = b.attr(SockDiagDecoder.UNIX_DIAG_PEER, 4);
        b.buf.set(ValueLayout.JAVA_INT, peer, 43);
        b.end(m2);
        long m3 = b.message(20);
        b.unixMsg(1, TCP_ESTABLISHED, 44, 0, 0);
        b.end(m3);
        long done = b.message(SockDiagDecoder.NLMSG_DONE);
        b.at += 4;
        b.end(done);

        List<UnixSocket> out = new ArrayList<>();
        assertTrue(SockDiagDecoder.decodeUnix(b.bytes(), out));
        assertEquals(new UnixSocket(1, TCP_LISTEN, 0xfeedf00dL, 0x0123456789abcdefL, "/run/app.sock", 0, 1000),
                out.get(0), "the path ends at its NUL; the inode is unsigned; the cookie low half first");
        assertEquals(new UnixSocket(2, 7, 42, 0, "@bus", 43, -1), out.get(1), "an abstract name as @name");
        assertEquals(new UnixSocket(1, TCP_ESTABLISHED, 44, 0, null, 0, -1), out.get(2), "unbound: no name");
    }

    @Test
    void aUnixErrorMessageThrowsWithTheKernelsErrno() {
        Builder b = new Builder();
        long m = b.message(SockDiagDecoder.NLMSG_ERROR);
        b.buf.set(ValueLayout.JAVA_INT, b.at, -Errno.EPERM);
        b.at += 4 + SockDiagDecoder.NLMSGHDR.byteSize();
        b.end(m);
        NativeException e = assertThrows(NativeException.class, () -> SockDiagDecoder.decodeUnix(b.bytes(), new ArrayList<>()));
        assertEquals(Errno.EPERM, e.errno());
    }

    @Test
    void aLiveUnixDumpFindsOurListenerAndTheConnectionToIt() throws Exception {
        Path dir = Files.createTempDirectory("sockdiag");
        Path path = dir.resolve("app.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
                    SocketChannel accepted = server.accept()) {
                List<UnixSocket> all = SockDiag.dumpUnix();
                UnixSocket l = all.stream().filter(s -> path.toString().equals(s.name()) && s.state() == TCP_LISTEN)
                        .findFirst().orElseThrow(() -> new AssertionError("no listener at " + path + " in " + all));
                assertTrue(l.inode() != 0);
                assertEquals(1, l.type(), "SOCK_STREAM");
                assertEquals(0, l.peer());
                int uid = l.uid();
                assertTrue(uid == -1 || uid == (int) Files.getAttribute(dir, "unix:uid"), "uid " + uid);
                UnixSocket server0 = all.stream()
                        .filter(s -> path.toString().equals(s.name()) && s.state() == TCP_ESTABLISHED)
                        .findFirst().orElseThrow(() -> new AssertionError("the accepted socket carries the path"));
                UnixSocket c = all.stream().filter(s -> s.inode() == server0.peer()).findFirst().orElseThrow();
                assertEquals(server0.inode(), c.peer(), "the two ends name each other");
                assertEquals(TCP_ESTABLISHED, c.state());
            }
        } finally {
            Files.deleteIfExists(path);
            Files.delete(dir);
        }
    }

    @Test
    void aLiveDumpFindsOurListenerAndTheBytesThroughOurConnection() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, lo); Socket client = new Socket(lo, server.getLocalPort());
                Socket accepted = server.accept()) {
            int port = server.getLocalPort();
            OutputStream out = client.getOutputStream();
            out.write(new byte[100 * 1024]);
            out.flush();
            InputStream in = accepted.getInputStream();
            byte[] sink = new byte[64 * 1024];
            int read = 0;
            while (read < 100 * 1024) {
                read += in.read(sink);
            }
            List<InetSocket> all = SockDiag.dump();
            assertTrue(all.stream().anyMatch(s -> s.state() == TCP_LISTEN && s.localPort() == port
                    && s.protocol() == SockDiag.IPPROTO_TCP && s.inode() != 0));
            int clientPort = client.getLocalPort();
            long deadline = System.nanoTime() + 5_000_000_000L;
            Optional<InetSocket> sender;
            do {
                sender = SockDiag.dump().stream()
                        .filter(s -> s.localPort() == clientPort && s.remotePort() == port && s.state() == TCP_ESTABLISHED)
                        .findFirst();
            } while ((sender.isEmpty() || sender.get().bytesAcked() < 100 * 1024) && System.nanoTime() < deadline);
            assertTrue(sender.isPresent());
            // The kernel counts the acknowledged SYN as one byte, as ss shows it too.
            long acked = sender.get().bytesAcked();
            assertTrue(acked == 100 * 1024 || acked == 100 * 1024 + 1, "bytes_acked " + acked);
            Optional<InetSocket> receiver = SockDiag.dump().stream()
                    .filter(s -> s.localPort() == port && s.remotePort() == clientPort).findFirst();
            long received = receiver.orElseThrow().bytesReceived();
            assertTrue(received == 100 * 1024 || received == 100 * 1024 + 1, "bytes_received " + received);
            assertTrue(all.stream().allMatch(s -> s.localAddress().length == (s.family() == SockDiag.AF_INET ? 4 : 16)));
            assertTrue(((InetSocketAddress) client.getLocalSocketAddress()).getPort() == clientPort);
        }
    }
}
