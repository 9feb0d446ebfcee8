package io.steward.client;

import io.steward.api.ErrorCode;
import io.steward.api.LockHolder;
import io.steward.api.StewardException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
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

    /**
     * Sends one request.
     *
     * @throws DaemonUnreachableException when nothing answers on the socket
     */
    public Response send(String method, String path, String contentType, byte[] body) {
        SocketChannel ch = connect(socket, lock);
        try (ch) {
            OutputStream out = Channels.newOutputStream(ch);
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
            if (body != null) {
                head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(body.length)
                        .append("\r\n");
            }
            head.append("\r\n");
            try {
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException e) {
                // The daemon may refuse a body before reading it all (too large) and close: its answer
                // is still there to read.
            }
            return read(new java.io.BufferedInputStream(Channels.newInputStream(ch), 8192));
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INTERNAL, "talking to the daemon at " + socket + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sends a GET whose answer streams (Server-Sent Events): the returned stream yields the body as
     * it arrives, de-chunked, and closing it closes the connection. A problem answer is thrown.
     */
    public InputStream stream(String path) {
        SocketChannel ch = connect(socket, lock);
        try {
            Channels.newOutputStream(ch).write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = new java.io.BufferedInputStream(Channels.newInputStream(ch), 8192);
            String status = line(in);
            if (status == null || !status.startsWith("HTTP/1.")) {
                throw new IOException("bad status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            Map<String, String> headers = headers(in);
            InputStream body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? new Dechunked(in) : in;
            if (code >= 400) {
                try (ch) {
                    StewardClient.parse(new Response(code, headers, body.readAllBytes()));
                }
            }
            return new java.io.FilterInputStream(body) {
                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new StewardException(ErrorCode.INTERNAL, "talking to the daemon at " + socket + ": " + e.getMessage(), e);
        }
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

    private static Map<String, String> headers(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        String l;
        while ((l = line(in)) != null && !l.isEmpty()) {
            int c = l.indexOf(':');
            if (c > 0) {
                headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
            }
        }
        return headers;
    }

    /** A chunked body as a plain stream, read as the chunks arrive. */
    private static final class Dechunked extends InputStream {
        private final InputStream in;
        private int left;
        private boolean done;

        Dechunked(InputStream in) {
            this.in = in;
        }

        private boolean next() throws IOException {
            if (done) {
                return false;
            }
            if (left == 0) {
                String size = line(in);
                if (size != null && size.isEmpty()) {
                    size = line(in); // the CRLF that ends the previous chunk
                }
                if (size == null) {
                    done = true;
                    return false;
                }
                left = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (left == 0) {
                    done = true;
                    return false;
                }
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!next()) {
                return -1;
            }
            int n = in.read(b, off, Math.min(len, left));
            if (n < 0) {
                done = true;
                return -1;
            }
            left -= n;
            return n;
        }
    }

    static Response read(InputStream in) throws IOException {
        Response head = readHead(in);
        return new Response(head.status(), head.headers(), readBody(in, head.headers()));
    }

    /** The status line and headers, leaving the body unread (after a 101 it is WebSocket frames). */
    static Response readHead(InputStream in) throws IOException {
        String status = line(in);
        if (status == null || !status.startsWith("HTTP/1.")) {
            throw new IOException("bad status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        Map<String, String> headers = headers(in);
        return new Response(code, headers, new byte[0]);
    }

    static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String size = line(in);
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    line(in);
                    break;
                }
                b.write(in.readNBytes(n));
                line(in);
            }
            body = b.toByteArray();
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes();
        }
        return body;
    }

    /** One CRLF-terminated header line, or null at end of stream. */
    static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = b.length();
                return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            }
            b.append((char) c);
        }
        return b.isEmpty() ? null : b.toString();
    }
}
