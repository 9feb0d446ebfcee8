package io.steward.client;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * A client WebSocket (RFC 6455) over the daemon's Unix socket: the upgrade, masked frames out,
 * fragmented messages in, ping answered by pong, and the close handshake. One thread receives;
 * any thread may send.
 */
final class WebSocketConnection implements AutoCloseable {
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    static final int NORMAL = 1000;
    static final int PROTOCOL_ERROR = 1002;
    static final int NO_STATUS = 1005;
    /** Never sent: what {@link #receive} reports when the connection ended without a close frame. */
    static final int ABNORMAL = 1006;

    /** What {@link #receive} returns: a whole message, or the end of the connection. */
    sealed interface Message {
        record Text(String text) implements Message {}

        record Binary(byte[] bytes) implements Message {}

        record Closed(int code, String reason) implements Message {}
    }

    private final SocketChannel channel;
    private final ChannelInput in;
    private final Object writeLock = new Object();
    private boolean closeSent; // guarded by writeLock
    private volatile Message.Closed closed;

    private WebSocketConnection(SocketChannel channel) {
        this.channel = channel;
        this.in = new ChannelInput(channel);
    }

    /**
     * Connects and upgrades {@code path}.
     *
     * @throws DaemonUnreachableException when nothing answers on the socket
     * @throws StewardException with the daemon's code when it refuses the upgrade
     * @throws ProtocolException when the answer to the upgrade is not well-formed HTTP/1.1 or no handshake
     */
    static WebSocketConnection open(Path socket, Path lock, String path) {
        SocketChannel ch = UnixHttp.connect(socket, lock);
        WebSocketConnection c = new WebSocketConnection(ch);
        try {
            c.upgrade(path, UnixHttp.peer(socket));
            return c;
        } catch (IOException e) {
            c.abort();
            throw new StewardException(ErrorCode.INTERNAL, "attaching through " + socket + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            c.abort();
            throw e;
        }
    }

    private void upgrade(String path, String peer) throws IOException {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String head = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
        // The codec reads no further than the 101's blank line: the frames after it stay in `in`.
        Http1ResponseCodec codec = new Http1ResponseCodec(in, peer);
        Http1ResponseCodec.Head r = codec.readHead();
        if (r.status() != 101) {
            UnixHttp.Response full = new UnixHttp.Response(r.status(), r.headers(), codec.readBody());
            String type = r.headers().getOrDefault("content-type", "");
            if (r.status() >= 400 && type.contains("json")) {
                StewardClient.parse(full, peer); // throws the daemon's problem as a typed exception
            }
            throw new StewardException(ErrorCode.INTERNAL, "the daemon refused to attach: HTTP " + r.status());
        }
        String upgrade = r.headers().get("upgrade");
        String accept = r.headers().get("sec-websocket-accept");
        if (!"websocket".equalsIgnoreCase(upgrade) || !expectedAccept(key).equals(accept)) {
            throw new ProtocolException(peer, "a WebSocket handshake (upgrade \"websocket\", our key accepted)",
                    "upgrade " + (upgrade == null ? "missing" : ProtocolException.quote(upgrade)) + ", accept "
                            + (accept == null ? "missing" : ProtocolException.quote(accept)));
        }
    }

    static String expectedAccept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
    }

    void sendText(String text) throws IOException {
        send(WebSocketFrame.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    void sendBinary(byte[] bytes) throws IOException {
        send(WebSocketFrame.BINARY, bytes);
    }

    private void send(int opcode, byte[] payload) throws IOException {
        synchronized (writeLock) {
            if (closeSent) {
                throw new IOException("the connection is closing");
            }
            write(WebSocketFrame.encode(opcode, payload));
        }
    }

    private void write(ByteBuffer b) throws IOException {
        synchronized (writeLock) {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }
    }

    /** Sends a close frame once; later data frames are refused, as RFC 6455 requires. */
    private void sendClose(int code, String reason) {
        synchronized (writeLock) {
            if (closeSent) {
                return;
            }
            closeSent = true;
            byte[] r = reason.getBytes(StandardCharsets.UTF_8);
            ByteBuffer payload = ByteBuffer.allocate(code == NO_STATUS ? 0 : 2 + r.length);
            if (code != NO_STATUS) {
                payload.putShort((short) code).put(r);
            }
            try {
                write(WebSocketFrame.encode(WebSocketFrame.CLOSE, payload.array()));
            } catch (IOException e) {
                // the peer is gone already: nothing to tell it
            }
        }
    }

    /** The next whole message; after the connection ended, always the same {@link Message.Closed}. */
    Message receive() {
        ByteArrayOutputStream fragments = null;
        int fragmentedOpcode = 0;
        while (closed == null) {
            WebSocketFrame f;
            try {
                f = WebSocketFrame.read(in);
            } catch (IOException e) {
                return end(closed != null ? closed.code() : ABNORMAL, e.getMessage() == null ? "connection lost" : e.getMessage());
            }
            switch (f.opcode()) {
                case WebSocketFrame.PING -> {
                    try {
                        send(WebSocketFrame.PONG, f.payload());
                    } catch (IOException e) {
                        // the next read reports the end
                    }
                }
                case WebSocketFrame.PONG -> { }
                case WebSocketFrame.CLOSE -> {
                    ByteBuffer p = ByteBuffer.wrap(f.payload());
                    int code = p.remaining() >= 2 ? p.getShort() & 0xffff : NO_STATUS;
                    String reason = StandardCharsets.UTF_8.decode(p).toString();
                    sendClose(code, ""); // echoing the code completes the handshake
                    return end(code, reason);
                }
                case WebSocketFrame.TEXT, WebSocketFrame.BINARY -> {
                    if (fragments != null) {
                        return fail("a new message began inside a fragmented one");
                    }
                    if (f.fin()) {
                        return message(f.opcode(), f.payload());
                    }
                    fragments = new ByteArrayOutputStream();
                    fragments.writeBytes(f.payload());
                    fragmentedOpcode = f.opcode();
                }
                case WebSocketFrame.CONTINUATION -> {
                    if (fragments == null) {
                        return fail("a continuation frame without a message to continue");
                    }
                    if (fragments.size() + f.payload().length > WebSocketFrame.MAX_PAYLOAD) {
                        return fail("message larger than " + WebSocketFrame.MAX_PAYLOAD + " bytes");
                    }
                    fragments.writeBytes(f.payload());
                    if (f.fin()) {
                        return message(fragmentedOpcode, fragments.toByteArray());
                    }
                }
                default -> {
                    return fail(String.format(Locale.ROOT, "unknown opcode 0x%x", f.opcode()));
                }
            }
        }
        return closed;
    }

    private static Message message(int opcode, byte[] payload) {
        return opcode == WebSocketFrame.TEXT ? new Message.Text(new String(payload, StandardCharsets.UTF_8))
                : new Message.Binary(payload);
    }

    private Message.Closed fail(String why) {
        sendClose(PROTOCOL_ERROR, "");
        return end(PROTOCOL_ERROR, why);
    }

    private Message.Closed end(int code, String reason) {
        if (closed == null) {
            closed = new Message.Closed(code, reason);
        }
        abort();
        return closed;
    }

    private void abort() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket that failed: nothing left to release
        }
    }

    /** Sends a normal close and drops the connection without waiting for the daemon's answer. */
    @Override
    public void close() {
        sendClose(NORMAL, "");
        end(NORMAL, "closed by the client");
    }
}
