package io.steward.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads one HTTP/1.1 response in the order the protocol fixes (RFC 9112): status line, header
 * fields, a body framed by content-length, chunked transfer coding or the connection's end, the
 * trailer fields of a chunked body, done. Modelled on OkHttp's {@code Http1ExchangeCodec}: each step
 * belongs to one {@link State}, and anything that breaks the grammar, or a stream that ends before
 * the framing says it may, is one {@link ProtocolException} naming what was expected and what came.
 *
 * <p>Everything held is bounded: a line by {@link #MAX_LINE}, a head (or the trailers) by
 * {@link #MAX_HEAD}, a body read whole by {@link #MAX_BODY}; a chunk size or content-length must
 * fit 63 bits. A streamed body ({@link #body()}) is not held, so only its framing is checked.
 *
 * <p>Lines are read a byte at a time, so the codec never reads past the response: after a 101 the
 * stream stands at the first byte of the upgraded protocol. Give it a buffered stream.
 */
final class Http1ResponseCodec {
    /** Where the codec is in the response. */
    enum State { STATUS_LINE, HEADERS, BODY, TRAILERS, DONE }

    static final int MAX_LINE = 64 * 1024;
    static final int MAX_HEAD = 256 * 1024;
    static final int MAX_BODY = 64 * 1024 * 1024;
    /** A body read whole starts in a buffer of at most this, however long it claims to be. */
    private static final int FIRST_BUFFER = 4 * 1024 * 1024;

    /** A status line and header fields by lower-cased name; a repeated field's values joined by ", ". */
    record Head(int status, String reason, Map<String, String> headers) {}

    /** How the end of the body is found (RFC 9112 section 6.3). */
    sealed interface Framing {
        record Empty() implements Framing {}

        record FixedLength(long length) implements Framing {}

        record Chunked() implements Framing {}

        record UntilClose() implements Framing {}
    }

    private final InputStream in;
    private final String peer;
    private final InputStream body = new Body();
    private State state = State.STATUS_LINE;
    private Framing framing;
    private Map<String, String> trailers = Map.of();
    private byte[] line = new byte[256];
    private int headLeft;
    private long bodyLimit = Long.MAX_VALUE;
    /** Body bytes read so far. */
    private long consumed;
    /** Bytes left in the fixed-length body, or in the current chunk. */
    private long left;
    private long chunkSize;
    private long chunks;

    /**
     * @param in the connection, buffered
     * @param peer who answers, for messages: {@code the daemon at /path/steward.sock}
     */
    Http1ResponseCodec(InputStream in, String peer) {
        this.in = in;
        this.peer = peer;
    }

    State state() {
        return state;
    }

    /** How the body of the head just read is framed; null before. */
    Framing framing() {
        return framing;
    }

    /** The trailer fields of a chunked body, once it was read to its end. */
    Map<String, String> trailers() {
        return trailers;
    }

    /**
     * The status line and header fields of the final response: interim 1xx answers (but 101, which
     * ends HTTP on this connection) are read and passed over.
     */
    Head readHead() throws IOException {
        expect(State.STATUS_LINE);
        while (true) {
            headLeft = MAX_HEAD;
            String statusLine = line("a status line");
            int status = HttpGrammar.statusCode(statusLine, peer);
            String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
            state = State.HEADERS;
            Map<String, String> headers = fields("a header field");
            if (status >= 100 && status < 200 && status != 101) {
                state = State.STATUS_LINE;
                continue;
            }
            framing = HttpGrammar.framing(status, headers, peer);
            left = framing instanceof Framing.FixedLength f ? f.length() : 0;
            boolean empty = framing instanceof Framing.Empty || framing instanceof Framing.FixedLength && left == 0;
            state = empty ? State.DONE : State.BODY;
            return new Head(status, reason, headers);
        }
    }

    /**
     * The body as it arrives, ending where its framing says (-1 from then on). The codec is done once
     * it returned -1; closing the stream does not close the connection.
     */
    InputStream body() {
        if (state != State.BODY && state != State.DONE) {
            throw new IllegalStateException("no body before the head is read (" + state + ")");
        }
        return body;
    }

    /**
     * The whole body, refused beyond {@link #MAX_BODY} bytes before they are read where the framing
     * declares the length, and as they arrive where it does not.
     */
    byte[] readBody() throws IOException {
        body();
        bodyLimit = MAX_BODY;
        if (framing instanceof Framing.FixedLength f && f.length() > MAX_BODY) {
            throw tooLarge("content-length " + f.length());
        }
        if (state == State.DONE) {
            return new byte[0];
        }
        int first = framing instanceof Framing.FixedLength f ? (int) Math.min(f.length(), FIRST_BUFFER) : 8192;
        byte[] buf = new byte[first];
        int n = 0;
        while (state != State.DONE) {
            if (n == buf.length) {
                if (n == MAX_BODY) {
                    // at the bound: the body must end here, one byte more is too many
                    if (read(new byte[1], 0, 1) < 0) {
                        break;
                    }
                    throw tooLarge("more");
                }
                buf = Arrays.copyOf(buf, (int) Math.min(MAX_BODY, 2L * n));
            }
            int r = read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    private int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (state == State.DONE) {
            return -1;
        }
        expect(State.BODY);
        // instanceof, not a pattern switch: a type switch is bootstrapped at run time, milliseconds
        // of a short command's start.
        if (framing instanceof Framing.FixedLength f) {
            return readFixed(f.length(), b, off, len);
        } else if (framing instanceof Framing.Chunked) {
            return readChunked(b, off, len);
        } else if (framing instanceof Framing.UntilClose) {
            return readUntilClose(b, off, len);
        }
        return -1;
    }

    private int readFixed(long length, byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n < 0) {
            throw error(left + " more bytes of a body of content-length " + length, "end of stream");
        }
        left -= n;
        consumed += n;
        if (left == 0) {
            state = State.DONE;
        }
        return n;
    }

    private int readChunked(byte[] b, int off, int len) throws IOException {
        if (left == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n < 0) {
            throw error(left + " more bytes of a " + chunkSize + "-byte chunk", "end of stream");
        }
        left -= n;
        consumed += n;
        return n;
    }

    /**
     * Starts the next chunk: the CRLF that ends the previous one is read only now, so the bytes of a
     * chunk reach the reader without waiting for what follows them. False after the last chunk and
     * its trailers.
     */
    private boolean nextChunk() throws IOException {
        if (chunks > 0) {
            crlfAfterChunk();
        }
        headLeft = MAX_HEAD;
        long size = HttpGrammar.chunkSize(line("a chunk size"), peer);
        chunks++;
        if (size == 0) {
            state = State.TRAILERS;
            trailers = fields("a trailer field");
            state = State.DONE;
            return false;
        }
        if (size > bodyLimit - consumed) {
            throw tooLarge("a chunk of " + size + " bytes after " + consumed);
        }
        chunkSize = size;
        left = size;
        return true;
    }

    private void crlfAfterChunk() throws IOException {
        int cr = in.read();
        int lf = cr == '\r' ? in.read() : -2;
        if (cr != '\r' || lf != '\n') {
            String got = cr < 0 ? "end of stream"
                    : cr != '\r' ? ProtocolException.quote(String.valueOf((char) cr))
                    : lf < 0 ? "CR then end of stream" : ProtocolException.quote("\r" + (char) lf);
            throw error("CRLF after a " + chunkSize + "-byte chunk", got);
        }
    }

    private int readUntilClose(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
            state = State.DONE;
            return -1;
        }
        consumed += n;
        return n;
    }

    /** Header or trailer fields up to the blank line that ends them. */
    private Map<String, String> fields(String what) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String l = line(what); !l.isEmpty(); l = line(what)) {
            int colon = HttpGrammar.fieldColon(l, what, peer);
            String value = HttpGrammar.stripWhitespace(l, colon + 1);
            fields.merge(l.substring(0, colon).toLowerCase(Locale.ROOT), value, (a, b) -> a + ", " + b);
        }
        return fields;
    }

    /**
     * One line without its CRLF, as ISO-8859-1 (every byte one char, as the fields' octets came).
     * Only CRLF ends a line: a bare LF or CR is refused, so what follows can never be misread.
     */
    private String line(String what) throws IOException {
        int n = 0;
        while (true) {
            int c = in.read();
            if (c == '\r') {
                int lf = in.read();
                if (lf != '\n') {
                    throw error(what + " ending in CRLF", (lf < 0 ? "CR then end of stream" : "CR without LF") + after(n));
                }
                headLeft -= n + 2;
                if (headLeft < 0) {
                    throw error("at most " + MAX_HEAD + " bytes of " + (state == State.TRAILERS ? "trailers" : "head"),
                            "more");
                }
                return new String(line, 0, n, StandardCharsets.ISO_8859_1);
            }
            if (c < 0) {
                throw error(what + " ending in CRLF", "end of stream" + after(n));
            }
            if (c == '\n') {
                throw error(what + " ending in CRLF", "a bare LF" + after(n));
            }
            if (n == MAX_LINE) {
                throw error(what + " of at most " + MAX_LINE + " bytes", "a longer line" + after(n));
            }
            if (n == line.length) {
                line = Arrays.copyOf(line, Math.min(MAX_LINE, 2 * n));
            }
            line[n++] = (byte) c;
        }
    }

    private String after(int n) {
        return n == 0 ? "" : " after " + ProtocolException.quote(new String(line, 0, Math.min(n, ProtocolException.EXCERPT + 1),
                StandardCharsets.ISO_8859_1));
    }

    private void expect(State s) {
        if (state != s) {
            throw new IllegalStateException("expected to be at " + s + " of the response, but at " + state);
        }
    }

    private ProtocolException tooLarge(String got) {
        return error("a body of at most " + MAX_BODY + " bytes", got);
    }

    private ProtocolException error(String expected, String got) {
        return new ProtocolException(peer, expected, got);
    }

    /** The body as a stream: reads go through the codec's framing. */
    private final class Body extends InputStream {
        private final byte[] one = new byte[1];

        @Override
        public int read() throws IOException {
            return Http1ResponseCodec.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return Http1ResponseCodec.this.read(b, off, len);
        }
    }
}
