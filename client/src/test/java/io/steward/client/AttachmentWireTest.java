package io.steward.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's side of RFC 6455 against a scripted server: what Jetty never sends the client in the
 * daemon's tests (fragments, pings, odd close frames) is exercised here.
 */
class AttachmentWireTest {
    @TempDir
    Path dir;

    /** One scripted peer: accepts a connection, reads the upgrade, then runs {@code script}. */
    private interface Script {
        void run(SocketChannel ch, ChannelInput in, String key) throws Exception;
    }

    private StewardClient serve(Script script, CompletableFuture<Void> done) throws IOException {
        Path socket = dir.resolve("s.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().start(() -> {
            try (server; SocketChannel ch = server.accept()) {
                ChannelInput in = new ChannelInput(ch);
                String key = null;
                String line;
                while (!(line = CannedServer.line(in)).isEmpty()) {
                    if (line.toLowerCase().startsWith("sec-websocket-key:")) {
                        key = line.substring(line.indexOf(':') + 1).trim();
                    }
                }
                script.run(ch, in, key);
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return new StewardClient(new StewardHome(dir, socket));
    }

    private static void accept(SocketChannel ch, String key) throws IOException {
        CannedServer.write(ch, ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + WebSocketConnection.expectedAccept(key) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** An unmasked server frame. */
    private static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + payload.length);
        b.put((byte) ((fin ? 0x80 : 0) | opcode));
        if (payload.length < 126) {
            b.put((byte) payload.length);
        } else {
            b.put((byte) 126).putShort((short) payload.length);
        }
        b.put(payload);
        return Arrays.copyOf(b.array(), b.position());
    }

    /** Reads one client frame, checking it is masked, and returns it unmasked. */
    private static WebSocketFrame clientFrame(ChannelInput in) throws IOException {
        byte[] head = in.readExactly(2);
        assertTrue((head[1] & 0x80) != 0, "client frames are masked");
        int len = head[1] & 0x7f;
        if (len == 126) {
            len = ByteBuffer.wrap(in.readExactly(2)).getShort() & 0xffff;
        }
        byte[] mask = in.readExactly(4);
        byte[] p = in.readExactly(len);
        for (int i = 0; i < p.length; i++) {
            p[i] ^= mask[i & 3];
        }
        return new WebSocketFrame((head[0] & 0x80) != 0, head[0] & 0x0f, p);
    }

    @Test
    void fragmentsAreJoinedPingsAnsweredAndTheCloseEchoed() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        byte[] big = new byte[300];
        big[0] = AttachEvent.Output.STDERR;
        big[299] = 42;
        StewardClient client = serve((ch, in, key) -> {
            accept(ch, key);
            CannedServer.write(ch, frame(false, WebSocketFrame.TEXT, "{\"type\":\"hel".getBytes(StandardCharsets.UTF_8)));
            CannedServer.write(ch, frame(true, WebSocketFrame.PING, "p1".getBytes(StandardCharsets.UTF_8)));
            CannedServer.write(ch, frame(true, WebSocketFrame.CONTINUATION, "lo\",\"kind\":\"pty\"}".getBytes(StandardCharsets.UTF_8)));
            WebSocketFrame pong = clientFrame(in);
            assertEquals(WebSocketFrame.PONG, pong.opcode());
            assertEquals("p1", new String(pong.payload(), StandardCharsets.UTF_8));
            CannedServer.write(ch, frame(true, WebSocketFrame.BINARY, big));
            WebSocketFrame input = clientFrame(in);
            assertEquals(WebSocketFrame.BINARY, input.opcode());
            assertEquals("ls\n", new String(input.payload(), StandardCharsets.UTF_8));
            WebSocketFrame resize = clientFrame(in);
            assertEquals("{\"type\":\"resize\",\"rows\":30,\"cols\":100}", new String(resize.payload(), StandardCharsets.UTF_8));
            CannedServer.write(ch, frame(true, WebSocketFrame.CLOSE, new byte[] {0x0f, (byte) 0xa1, 'b', 'y', 'e'}));
            WebSocketFrame close = clientFrame(in);
            assertEquals(WebSocketFrame.CLOSE, close.opcode());
            assertArrayEquals(new byte[] {0x0f, (byte) 0xa1}, close.payload(), "the close code is echoed");
        }, done);
        try (Attachment a = client.attach("abcdef", AttachOptions.DEFAULT)) {
            io.steward.api.AttachMessage.Hello hello = (io.steward.api.AttachMessage.Hello) ((AttachEvent.Control) a.next()).message();
            assertTrue(hello.pty());
            AttachEvent.Output out = (AttachEvent.Output) a.next();
            assertEquals(AttachEvent.Output.STDERR, out.stream());
            assertEquals(299, out.bytes().length);
            assertEquals(42, out.bytes()[298]);
            a.send("ls\n".getBytes(StandardCharsets.UTF_8));
            a.resize(30, 100);
            assertEquals(new AttachEvent.Closed(4001, "bye"), a.next());
            assertEquals(new AttachEvent.Closed(4001, "bye"), a.next(), "the end is reported again");
            assertThrows(IOException.class, () -> a.send(new byte[1]));
        }
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRefusedUpgradeIsTheDaemonsTypedError() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        byte[] body = "{\"code\":\"already-attached\",\"detail\":\"taken\"}".getBytes(StandardCharsets.UTF_8);
        StewardClient client = serve((ch, in, key) -> CannedServer.write(ch, ("HTTP/1.1 409 Conflict\r\nContent-Type: "
                + "application/problem+json\r\nContent-Length: " + body.length + "\r\n\r\n"
                + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)), done);
        StewardException e = assertThrows(StewardException.class, () -> client.attach("web", AttachOptions.DEFAULT));
        assertEquals(ErrorCode.ALREADY_ATTACHED, e.code());
        assertEquals("taken", e.getMessage());
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aWrongAcceptKeyIsRefused() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        StewardClient client = serve((ch, in, key) -> accept(ch, "not-the-key"), done);
        ProtocolException e = assertThrows(ProtocolException.class, () -> client.attach("web", AttachOptions.DEFAULT));
        assertTrue(e.getMessage().contains("expected a WebSocket handshake"), e.getMessage());
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void framesThatArriveWithTheUpgradeAnswerAreNotLost() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        StewardClient client = serve((ch, in, key) -> {
            byte[] head = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + WebSocketConnection.expectedAccept(key) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] hello = frame(true, WebSocketFrame.TEXT, "{\"type\":\"hello\",\"kind\":\"pipe\"}".getBytes(StandardCharsets.UTF_8));
            byte[] both = Arrays.copyOf(head, head.length + hello.length);
            System.arraycopy(hello, 0, both, head.length, hello.length);
            CannedServer.write(ch, both); // one write: the client reads the frame in the same read as the head
        }, done);
        try (Attachment a = client.attach("web", AttachOptions.DEFAULT)) {
            io.steward.api.AttachMessage.Hello hello = (io.steward.api.AttachMessage.Hello) ((AttachEvent.Control) a.next()).message();
            assertEquals(io.steward.api.SessionInfo.Kind.PIPE, hello.kind());
        }
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMalformedUpgradeAnswerIsAProtocolError() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        StewardClient client = serve((ch, in, key) -> CannedServer.write(ch,
                "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), done);
        ProtocolException e = assertThrows(ProtocolException.class, () -> client.attach("web", AttachOptions.DEFAULT));
        assertEquals("a status line ending in CRLF", e.expected());
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aDroppedConnectionIsClosedWith1006() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        StewardClient client = serve((ch, in, key) -> accept(ch, key), done);
        try (Attachment a = client.attach("web", AttachOptions.of(true, true))) {
            AttachEvent.Closed c = (AttachEvent.Closed) a.next();
            assertEquals(AttachEvent.Closed.LOST, c.code());
        }
        done.get(10, TimeUnit.SECONDS);
    }
}
