package io.steward.cli;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A byte relay on a Unix socket in front of a real daemon's: every connection is passed through as
 * it is, until the test cuts them all at once, as the kernel does to a daemon's connections when it
 * is replaced in place (and the daemon, holding its lock, lives on). It speaks no HTTP: what the
 * clients read is the daemon's own answer, or its end.
 */
final class Relay implements AutoCloseable {
    private final Path socket;
    private final Path upstream;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    /** Bytes of answer the next connection passes before it is cut; -1: none is cut. */
    private final AtomicInteger cutNextAfter = new AtomicInteger(-1);
    final AtomicInteger connections = new AtomicInteger();

    Relay(Path socket, Path upstream) throws IOException {
        this.socket = socket;
        this.upstream = upstream;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = Thread.ofPlatform().name("relay").start(this::accept);
    }

    Path socket() {
        return socket;
    }

    /** Ends every connection open now, both ways. */
    void cut() {
        for (SocketChannel ch : open) {
            close(ch);
        }
    }

    /** The next connection is cut once {@code bytes} of its answer have been passed on. */
    void cutNextAfter(int bytes) {
        cutNextAfter.set(bytes);
    }

    private void accept() {
        while (true) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            connections.incrementAndGet();
            SocketChannel daemon;
            try {
                daemon = SocketChannel.open(UnixDomainSocketAddress.of(upstream));
            } catch (IOException e) {
                close(client);
                continue;
            }
            open.add(client);
            open.add(daemon);
            long answerLimit = cutNextAfter.getAndSet(-1);
            Thread.ofVirtual().start(() -> copy(client, daemon, -1));
            Thread.ofVirtual().start(() -> copy(daemon, client, answerLimit));
        }
    }

    /** Copies until either side ends (or {@code limit} bytes passed, when not -1), then closes both. */
    private void copy(SocketChannel from, SocketChannel to, long limit) {
        ByteBuffer b = ByteBuffer.allocate(16 * 1024);
        long passed = 0;
        try {
            while (limit < 0 || passed < limit) {
                b.clear();
                if (limit >= 0) {
                    b.limit((int) Math.min(b.capacity(), limit - passed));
                }
                if (from.read(b) < 0) {
                    break;
                }
                b.flip();
                passed += b.remaining();
                while (b.hasRemaining()) {
                    to.write(b);
                }
            }
        } catch (ClosedChannelException e) {
            // cut
        } catch (IOException e) {
            // one side went: the other goes too
        } finally {
            close(from);
            close(to);
        }
    }

    /** Shut down at once, both ways: a close alone waits for a thread blocked reading it, and the peer would not see it yet. */
    private void close(SocketChannel ch) {
        open.remove(ch);
        try {
            ch.shutdownInput();
            ch.shutdownOutput();
        } catch (IOException e) {
            // not connected any more: closing is all that is left
        }
        try {
            ch.close();
        } catch (IOException e) {
            // closing is all that was asked
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        acceptor.join(10_000);
        cut();
        Files.deleteIfExists(socket);
    }
}
