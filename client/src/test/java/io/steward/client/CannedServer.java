package io.steward.client;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the daemon on a real Unix socket: each connection's request is read (head, and a
 * body by its content-length), the reply the test chose for it is written in the pieces it gives,
 * and the connection is closed. Closing the server stops accepting and waits for its thread.
 */
final class CannedServer implements AutoCloseable {
    /** What to write for a request line, in pieces written one after another. */
    @FunctionalInterface
    interface Replies {
        byte[][] reply(String requestLine);
    }

    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Path socket;
    final java.util.List<String> requests = new CopyOnWriteArrayList<>();

    CannedServer(Path socket, Replies replies) throws IOException {
        this.socket = socket;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = Thread.ofPlatform().name("canned-server").start(() -> {
            while (true) {
                try (SocketChannel ch = server.accept()) {
                    String request = readRequest(new ChannelInput(ch));
                    requests.add(request);
                    for (byte[] piece : replies.reply(request)) {
                        write(ch, piece);
                    }
                } catch (ClosedChannelException closed) {
                    return;
                } catch (IOException e) {
                    // the client gave up on a reply it found malformed before all of it was written
                }
            }
        });
    }

    /** One reply for every request. */
    static CannedServer always(Path socket, String reply) throws IOException {
        byte[] b = reply.getBytes(StandardCharsets.ISO_8859_1);
        return new CannedServer(socket, request -> new byte[][] {b});
    }

    Path socket() {
        return socket;
    }

    /** The request line; the rest of the head and the body are read and dropped. */
    private static String readRequest(ChannelInput in) throws IOException {
        String first = null;
        long length = 0;
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            if (first == null) {
                first = line;
            } else if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        in.skipNBytes(length);
        return first;
    }

    /** One CRLF-terminated line of a client's request. */
    static String line(ChannelInput in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("the request ended in a line");
            }
            b.append((char) c);
        }
        return b.toString().strip();
    }

    static void write(SocketChannel ch, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        acceptor.join(10_000);
        Files.deleteIfExists(socket);
        if (acceptor.isAlive()) {
            throw new AssertionError("the canned server's thread did not end");
        }
    }
}
