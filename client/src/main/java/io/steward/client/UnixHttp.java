package io.steward.client;

import io.steward.api.ErrorCode;
import io.steward.api.LockHolder;
import io.steward.api.StewardException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * HTTP/1.1 over a Unix socket, one request per connection: the JDK's HttpClient speaks only TCP,
 * and a CLI that makes one or two calls gains nothing from a pooled client but start-up time.
 */
public final class UnixHttp {
    /** A response: status, lower-cased headers, body. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * How long a request waits for a daemon that holds the home's lock to answer: it is still
     * starting, or putting back a socket file someone deleted.
     */
    public static final long LOCK_HOLDER_WAIT_MS = 10_000;

    private final Path socket;
    private final Path lock;

    public UnixHttp(Path socket) {
        this(socket, null);
    }

    /** @param lock the home's lock file, or null to never wait for its holder */
    public UnixHttp(Path socket, Path lock) {
        this.socket = socket;
        this.lock = lock;
    }

    public Path socket() {
        return socket;
    }

    /** The home's lock file whose holder is waited for, or null. */
    public Path lock() {
        return lock;
    }

    /**
     * Sends one request and reads its whole answer. An answer {@code 503 upgrading} (the daemon is
     * being replaced and did nothing) is asked again, and so is a GET whose connection ended before
     * its answer while a daemon still holds the home's lock, both for up to {@link UpgradeWait#LIMIT_MS};
     * then the last answer is returned, or the last failure thrown. Another method is never sent
     * again after a lost connection: the daemon may have done it.
     *
     * @throws DaemonUnreachableException when nothing answers on the socket
     * @throws ProtocolException when the answer is not well-formed HTTP/1.1, or ends early
     */
    public Response send(String method, String path, String contentType, byte[] body) {
        UpgradeWait wait = null;
        while (true) {
            Response r;
            try {
                r = sendOnce(method, path, contentType, body);
            } catch (ConnectionLost lost) {
                if (!method.equals("GET") || !UpgradeWait.daemonHolds(lock)) {
                    throw lost.failure;
                }
                wait = wait == null ? new UpgradeWait() : wait;
                if (!wait.pause()) {
                    throw lost.failure;
                }
                continue;
            }
            if (!upgrading(r)) {
                return r;
            }
            wait = wait == null ? new UpgradeWait() : wait;
            if (!wait.pause()) {
                return r; // parsed, it is the typed upgrading failure
            }
        }
    }

    /** Whether {@code r} is the problem answer of a daemon being replaced: {@code 503} with code {@code upgrading}. */
    static boolean upgrading(Response r) {
        if (r.status() != 503) {
            return false;
        }
        try {
            return ErrorCode.UPGRADING.wire().equals(io.steward.api.Json.parseObject(r.text()).get("code"));
        } catch (RuntimeException e) {
            return false; // not a problem document: not ours to retry
        }
    }

    /** A request whose connection ended (or broke) before its whole answer came: {@code failure} says how. */
    private static final class ConnectionLost extends Exception {
        final StewardException failure;

        ConnectionLost(StewardException failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }

    private Response sendOnce(String method, String path, String contentType, byte[] body) throws ConnectionLost {
        SocketChannel ch = connect(socket, lock);
        try {
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
            if (body != null) {
                head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(body.length)
                        .append("\r\n");
            }
            head.append("\r\n");
            try {
                OutputStream out = Channels.newOutputStream(ch);
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException e) {
                // The daemon may refuse a body before reading it all (too large) and close: its answer
                // is still there to read.
            }
            Http1ResponseCodec codec = codec(ch);
            Http1ResponseCodec.Head h = codec.readHead();
            return new Response(h.status(), h.headers(), codec.readBody());
        } catch (IOException e) {
            throw new ConnectionLost(new StewardException(ErrorCode.INTERNAL,
                    "talking to the daemon at " + socket + ": " + e.getMessage(), e));
        } catch (ProtocolException e) {
            if (e.endedEarly()) {
                throw new ConnectionLost(e);
            }
            throw e;
        } finally {
            close(ch);
        }
    }

    /**
     * Closes {@code ch} in non-blocking mode: the JDK's blocking close first initialises its IP
     * networking ({@code sun.nio.ch.Net}, {@code InetAddress}) to read SO_LINGER, which a Unix
     * socket has no use for, and that was about 3 ms of a short command (bench/RESULTS.md,
     * cli-latency). Nothing is in flight on the channel by then.
     */
    private static void close(SocketChannel ch) {
        try {
            ch.configureBlocking(false);
        } catch (IOException e) {
            // closed anyway below
        }
        try {
            ch.close();
        } catch (IOException e) {
            // the answer, or the failure, is what matters
        }
    }

    /**
     * Sends a GET whose answer streams (Server-Sent Events): the returned stream yields the body as
     * it arrives, de-chunked, and closing it closes the connection. A problem answer is thrown, and
     * so is a {@link ProtocolException}, from here or from a read of the stream.
     */
    public InputStream stream(String path) {
        SocketChannel ch = connect(socket, lock);
        try {
            Channels.newOutputStream(ch).write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Http1ResponseCodec codec = codec(ch);
            Http1ResponseCodec.Head h = codec.readHead();
            if (h.status() >= 400) {
                StewardClient.parse(new Response(h.status(), h.headers(), codec.readBody()), peer(socket));
            }
            return new FilterInputStream(codec.body()) {
                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new StewardException(ErrorCode.INTERNAL, "talking to the daemon at " + socket + ": " + e.getMessage(), e);
        }
    }

    /** A codec for the answer on {@code ch}, reading through a buffer of the channel's own. */
    private Http1ResponseCodec codec(SocketChannel ch) {
        return new Http1ResponseCodec(new ChannelInput(ch), peer(socket));
    }

    /** Who answers on {@code socket}, as messages name it. */
    static String peer(Path socket) {
        return "the daemon at " + socket;
    }

    /**
     * A connected channel to the daemon. When nothing answers but a daemon holds {@code lock}, it
     * is waited for (with a backoff of 5 ms doubling to 200 ms) for up to
     * {@link #LOCK_HOLDER_WAIT_MS}, or until it lets the lock go.
     *
     * @param lock the home's lock file, or null
     * @throws DaemonUnreachableException when nothing answers; {@link DaemonUnreachableException#lockHolder}
     *     says whether a daemon holds the lock all the same
     */
    static SocketChannel connect(Path socket, Path lock) {
        try {
            return connect(socket);
        } catch (DaemonUnreachableException first) {
            long holder = lock == null ? LockHolder.NONE : LockHolder.of(lock);
            if (holder == LockHolder.NONE) {
                throw first;
            }
            long deadline = System.nanoTime() + LOCK_HOLDER_WAIT_MS * 1_000_000;
            long pause = 5;
            while (true) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw first;
                }
                pause = Math.min(pause * 2, 200);
                try {
                    return connect(socket);
                } catch (DaemonUnreachableException again) {
                    holder = LockHolder.of(lock);
                    if (holder == LockHolder.NONE) {
                        throw again; // it let the lock go: there is no daemon to wait for
                    }
                    if (System.nanoTime() > deadline) {
                        throw DaemonUnreachableException.notAnswering(socket, lock, holder, LOCK_HOLDER_WAIT_MS);
                    }
                }
            }
        }
    }

    /**
     * A connected channel to the daemon.
     *
     * @throws DaemonUnreachableException when nothing answers on the socket
     */
    static SocketChannel connect(Path socket) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return ch;
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // the connect failure is what matters
                }
            }
            throw new DaemonUnreachableException(socket, e);
        }
    }
}
