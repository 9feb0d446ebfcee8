package io.steward.daemon;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Hand-made HTTP/1.1 exchanges over the daemon's Unix socket, byte for byte as given: upgrade
 * requests, malformed requests, bodies that lie about their length. The response is parsed
 * strictly, so a reply that is not valid HTTP fails the exchange.
 */
final class WsWire {
    private WsWire() {}

    /** A parsed response; {@code bodyComplete} is false when the body was deliberately not read (an event stream). */
    record Reply(String statusLine, int status, Map<String, String> headers, byte[] body, boolean bodyComplete,
            IOException writeFailure) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String contentType() {
            return headers.getOrDefault("content-type", "");
        }
    }

    /** Thrown when the daemon answered with something that is not an HTTP response. */
    static final class NotHttp extends IOException {
        NotHttp(String message) {
            super(message);
        }
    }

    /**
     * Sends {@code head} (the request line and headers, CRLF-terminated, blank line included), then
     * {@code body} (may be null) from another thread, so a daemon that answers before reading the
     * whole body is seen answering; reads one response within {@code timeout}.
     */
    static Reply exchange(Path socket, String head, byte[] body, Duration timeout) throws Exception {
        return exchange(socket, head.getBytes(StandardCharsets.ISO_8859_1), body, timeout);
    }

    static Reply exchange(Path socket, byte[] head, byte[] body, Duration timeout) throws Exception {
        return exchange(socket, head, body, timeout, false);
    }

    /** As above; {@code headRequest} says the response has no body whatever its headers say. */
    static Reply exchange(Path socket, byte[] head, byte[] body, Duration timeout, boolean headRequest)
            throws Exception {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try (ch) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(ch);
            CompletableFuture<IOException> written = new CompletableFuture<>();
            Thread.ofVirtual().name("wire-writer").start(() -> {
                try {
                    out.write(head);
                    if (body != null) {
                        int off = 0;
                        while (off < body.length) {
                            int n = Math.min(64 * 1024, body.length - off);
                            out.write(body, off, n);
                            off += n;
                        }
                    }
                    out.flush();
                    written.complete(null);
                } catch (IOException e) {
                    written.complete(e);
                }
            });
            CompletableFuture<Reply> reply = new CompletableFuture<>();
            Thread.ofVirtual().name("wire-reader").start(() -> {
                try {
                    reply.complete(read(Channels.newInputStream(ch), null, headRequest));
                } catch (Throwable t) {
                    reply.completeExceptionally(t);
                }
            });
            Reply r;
            try {
                r = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("no complete response within " + timeout.toMillis() + " ms", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception x) {
                    throw x;
                }
                throw e;
            }
            IOException wf = written.getNow(null);
            return new Reply(r.statusLine(), r.status(), r.headers(), r.body(), r.bodyComplete(), wf);
        }
    }

    /** Reads one response. With {@code lines} set, an event stream's lines go there until it ends. */
    static Reply read(InputStream in, java.util.function.Consumer<String> lines, boolean headRequest)
            throws IOException {
        while (true) {
            Reply r = readOne(in, lines, headRequest);
            if (r.status() >= 200 || r.status() == 101) {
                return r;
            }
            // an interim response (100 Continue): the real one follows
        }
    }

    private static Reply readOne(InputStream in, java.util.function.Consumer<String> lines, boolean headRequest)
            throws IOException {
        String status = line(in);
        if (status == null) {
            throw new NotHttp("connection closed without a response");
        }
        if (!status.matches("HTTP/1\\.[01] [1-5][0-9][0-9]( .*)?")) {
            throw new NotHttp("bad status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        String l;
        while (true) {
            l = line(in);
            if (l == null) {
                throw new NotHttp("connection closed inside the headers");
            }
            if (l.isEmpty()) {
                break;
            }
            int c = l.indexOf(':');
            if (c <= 0) {
                throw new NotHttp("bad header line: " + l);
            }
            headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
        }
        if (headers.getOrDefault("content-type", "").startsWith("text/event-stream")) {
            if (lines != null) {
                boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
                InputStream body = chunked ? new Dechunk(in) : in;
                String s;
                while ((s = line(body)) != null) {
                    lines.accept(s);
                }
            }
            return new Reply(status, code, headers, new byte[0], false, null);
        }
        byte[] body;
        if (headRequest || code < 200 || code == 204 || code == 304) {
            return new Reply(status, code, headers, new byte[0], true, null);
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = new Dechunk(in).readAllBytes();
        } else if (headers.containsKey("content-length")) {
            long n;
            try {
                n = Long.parseLong(headers.get("content-length"));
            } catch (NumberFormatException e) {
                throw new NotHttp("bad content-length " + headers.get("content-length"));
            }
            if (n < 0 || n > 64L * 1024 * 1024) {
                throw new NotHttp("implausible content-length " + n);
            }
            body = in.readNBytes((int) n);
            if (body.length != n) {
                throw new NotHttp("body shorter than its content-length: " + body.length + " of " + n);
            }
        } else {
            body = in.readAllBytes();
        }
        return new Reply(status, code, headers, body, true, null);
    }

    /** A chunked body, strictly. */
    private static final class Dechunk extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;
        private boolean crlfOwed;

        Dechunk(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                // The CRLF ending a chunk is read only when the next one is wanted: a server may send
                // it together with the next chunk's size, and an event stream must not wait for that.
                if (crlfOwed && !"".equals(line(in))) {
                    throw new NotHttp("chunk not followed by CRLF");
                }
                crlfOwed = false;
                String size = line(in);
                if (size == null) {
                    throw new EOFException("connection closed inside a chunked body");
                }
                try {
                    left = Long.parseLong(size.split(";")[0].trim(), 16);
                } catch (NumberFormatException e) {
                    throw new NotHttp("bad chunk size line: " + size);
                }
                if (left == 0) {
                    String t;
                    while ((t = line(in)) != null && !t.isEmpty()) {
                        // trailers
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            left -= n;
            crlfOwed = left == 0;
            return n;
        }
    }

    /** One CRLF- or LF-terminated line, or null at end of stream. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] a = b.toByteArray();
                int len = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
                return new String(a, 0, len, StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** A live {@code GET /v1/events} stream, collecting every event until closed. */
    static final class EventTap implements AutoCloseable {
        /** One server-sent event. */
        record Event(String type, String data) {}

        private final SocketChannel ch;
        private final List<Event> events = new ArrayList<>();
        private final CompletableFuture<Integer> status = new CompletableFuture<>();
        private String type;
        private StringBuilder data = new StringBuilder();

        EventTap(Path socket) throws IOException {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            Channels.newOutputStream(ch).write(
                    "GET /v1/events HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread.ofVirtual().name("event-tap").start(() -> {
                try {
                    Reply r = read(Channels.newInputStream(ch), this::line, false);
                    status.complete(r.status());
                } catch (IOException e) {
                    status.complete(-1);
                }
            });
        }

        private synchronized void line(String l) {
            if (!status.isDone()) {
                status.complete(200);
            }
            if (l.startsWith("event: ")) {
                type = l.substring(7);
            } else if (l.startsWith("data: ")) {
                data.append(l.substring(6));
            } else if (l.isEmpty() && type != null) {
                events.add(new Event(type, data.toString()));
                type = null;
                data = new StringBuilder();
                notifyAll();
            }
        }

        /** Waits until the stream has sent its first line: from then on no event is missed. */
        void awaitOpen() throws Exception {
            int s = status.get(10, TimeUnit.SECONDS);
            if (s != 200) {
                throw new AssertionError("event stream answered " + s);
            }
        }

        synchronized Event await(String type, Predicate<Event> match, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                for (Event e : events) {
                    if (e.type().equals(type) && match.test(e)) {
                        return e;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no '" + type + "' event; saw " + events);
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
