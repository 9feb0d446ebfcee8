package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API socket's listen backlog is the system's maximum, not the JDK's default of 50: a burst of
 * non-blocking connects, which the kernel refuses with EAGAIN once the backlog is full, is all
 * queued and all answered.
 */
class ListenBacklogTest extends DaemonFixture {
    private static final int BURST = 500;

    @Test
    void aBurstOfSimultaneousConnectsIsAllAnswered() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(stewardHome.socket());
        List<SocketChannel> connected = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        try {
            // One tight loop, faster than any acceptor: only the backlog holds what is not yet accepted.
            for (int i = 0; i < BURST; i++) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.configureBlocking(false);
                try {
                    if (!ch.connect(address) && !ch.finishConnect()) {
                        refused.add("connect " + i + " pending");
                    }
                    connected.add(ch);
                } catch (IOException e) {
                    refused.add("connect " + i + ": " + e.getMessage());
                    ch.close();
                }
            }
            assertTrue(refused.isEmpty(), () -> refused.size() + " of " + BURST + " connects refused, first: "
                    + refused.getFirst());
            byte[] request = "GET /v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            for (SocketChannel ch : connected) {
                ch.configureBlocking(true);
                ch.write(ByteBuffer.wrap(request));
            }
            int answered = 0;
            for (SocketChannel ch : connected) {
                String reply = readAll(ch);
                assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
                answered++;
            }
            assertEquals(BURST, answered);
        } finally {
            for (SocketChannel ch : connected) {
                ch.close();
            }
        }
    }

    private static String readAll(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        StringBuilder b = new StringBuilder();
        while (ch.read(buf) >= 0) {
            buf.flip();
            b.append(StandardCharsets.UTF_8.decode(buf));
            buf.clear();
        }
        return b.toString();
    }
}
