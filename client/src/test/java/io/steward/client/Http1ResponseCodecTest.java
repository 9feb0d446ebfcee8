package io.steward.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The codec driven with byte streams: whole, split at every byte, cut at every byte, and broken. */
class Http1ResponseCodecTest {
    static final String PEER = "the daemon at test.sock";

    static final String FIXED = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n"
            + "{\"answer\":\"yes\"}\n";
    static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
            + "5\r\nhello\r\n7;name=value\r\n, world\r\n001\r\n!\r\n0\r\nChecksum: abc\r\n\r\n";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A stream that hands out {@code bytes} in reads ending at {@code split} and then at the end. */
    private static InputStream split(byte[] bytes, int split) {
        return new InputStream() {
            private int pos;

            @Override
            public int read() {
                return pos < bytes.length ? bytes[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                if (pos >= bytes.length) {
                    return -1;
                }
                int stop = pos < split ? split : bytes.length;
                int n = Math.min(len, stop - pos);
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    record Read(Http1ResponseCodec.Head head, byte[] body, Map<String, String> trailers) {}

    private static Read whole(InputStream in) throws IOException {
        Http1ResponseCodec codec = new Http1ResponseCodec(in, PEER);
        Http1ResponseCodec.Head head = codec.readHead();
        byte[] body = codec.readBody();
        assertEquals(Http1ResponseCodec.State.DONE, codec.state());
        return new Read(head, body, codec.trailers());
    }

    /** The body read through the stream, in reads of {@code step} bytes, as SSE and long reads do. */
    private static byte[] streamed(InputStream in, int step) throws IOException {
        Http1ResponseCodec codec = new Http1ResponseCodec(in, PEER);
        codec.readHead();
        InputStream body = codec.body();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[step];
        for (int n; (n = body.read(buf, 0, step)) >= 0; ) {
            out.write(buf, 0, n);
        }
        assertEquals(-1, body.read(), "the end stays the end");
        return out.toByteArray();
    }

    private static ProtocolException refused(String response) {
        return refused(bytes(response));
    }

    private static ProtocolException refused(byte[] response) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> whole(new ByteArrayInputStream(response)));
        assertOneLine(e);
        return e;
    }

    static void assertOneLine(ProtocolException e) {
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
        assertTrue(e.getMessage().startsWith("bad answer from " + PEER + ": expected "), e.getMessage());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
    }

    @Test
    void aContentLengthResponse() throws IOException {
        Read r = whole(new ByteArrayInputStream(bytes(FIXED)));
        assertEquals(200, r.head().status());
        assertEquals("OK", r.head().reason());
        assertEquals("application/json", r.head().headers().get("content-type"));
        assertEquals("{\"answer\":\"yes\"}\n", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aChunkedResponseWithExtensionsAndTrailers() throws IOException {
        Read r = whole(new ByteArrayInputStream(bytes(CHUNKED)));
        assertEquals("hello, world!", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(Map.of("checksum", "abc"), r.trailers());
        assertEquals("text/plain", r.head().headers().get("content-type"));
    }

    @Test
    void aBodyUntilTheConnectionCloses() throws IOException {
        Read r = whole(new ByteArrayInputStream(bytes("HTTP/1.0 200 OK\r\n\r\nall of it")));
        assertEquals("all of it", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("", new String(streamed(new ByteArrayInputStream(bytes("HTTP/1.1 200 OK\r\n\r\n")), 4)));
    }

    @Test
    void everySplitReadsTheSame() throws IOException {
        for (String response : new String[] {FIXED, CHUNKED}) {
            byte[] b = bytes(response);
            byte[] expected = whole(new ByteArrayInputStream(b)).body();
            for (int split = 0; split <= b.length; split++) {
                assertArrayEquals(expected, whole(split(b, split)).body(), "split at " + split);
                assertArrayEquals(expected, streamed(split(b, split), 3), "streamed, split at " + split);
            }
        }
    }

    @Test
    void everyCutIsAProtocolErrorWhetherReadWholeOrStreamed() {
        for (String response : new String[] {FIXED, CHUNKED}) {
            byte[] b = bytes(response);
            for (int cut = 0; cut < b.length; cut++) {
                byte[] prefix = Arrays.copyOf(b, cut);
                ProtocolException e = refused(prefix);
                assertTrue(e.actual().contains("end of stream"), cut + ": " + e.getMessage());
                ProtocolException s = assertThrows(ProtocolException.class,
                        () -> streamed(new ByteArrayInputStream(prefix), 4), "cut at " + cut);
                assertOneLine(s);
            }
        }
    }

    @Test
    void aTruncatedBodySaysHowMuchWasMissing() {
        ProtocolException e = refused("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n1234");
        assertEquals("6 more bytes of a body of content-length 10", e.expected());
        assertEquals("end of stream", e.actual());
        e = refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n1234");
        assertEquals("6 more bytes of a 10-byte chunk", e.expected());
        e = refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n");
        assertEquals("a chunk size ending in CRLF", e.expected());
    }

    @Test
    void badChunkSizes() {
        for (String size : new String[] {"", "zz", "-1", " 5", "5 x", "0x5", "5,6", "\u00b2"}) {
            ProtocolException e = refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\nhello\r\n0\r\n\r\n");
            assertEquals("a chunk size in hex, then optional extensions", e.expected(), size);
        }
        for (String size : new String[] {"8000000000000000", "1ffffffffffffffff", "ffffffffffffffffffffffff"}) {
            ProtocolException e = refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\nhello\r\n");
            assertEquals("a chunk size below 2^63", e.expected(), size);
        }
        // white space before the extensions is allowed
        assertDoesNotThrow("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 ;x\r\nhello\r\n0\r\n\r\n");
    }

    private static void assertDoesNotThrow(String response) {
        try {
            whole(new ByteArrayInputStream(bytes(response)));
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    @Test
    void aChunkMustEndInCrlf() {
        ProtocolException e = refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n");
        assertEquals("CRLF after a 5-byte chunk", e.expected());
        assertEquals("\"X\"", e.actual());
        e = refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n");
        assertEquals("\"\\n\"", e.actual());
        e = refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r0\r\n\r\n");
        assertEquals("\"\\r0\"", e.actual());
    }

    @Test
    void onlyCrlfEndsALine() {
        ProtocolException e = refused("HTTP/1.1 200 OK\nContent-Length: 0\n\n");
        assertEquals("a status line ending in CRLF", e.expected());
        assertEquals("a bare LF after \"HTTP/1.1 200 OK\"", e.actual());
        e = refused("HTTP/1.1 200 OK\r\nContent-Length: 0\r\r\n\r\n");
        assertEquals("a header field ending in CRLF", e.expected());
        assertEquals("CR without LF after \"Content-Length: 0\"", e.actual());
        e = refused("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r");
        assertEquals("CR then end of stream", e.actual());
    }

    @Test
    void overlongLinesAreRefusedBeforeTheyAreHeld() {
        String longLine = "x".repeat(Http1ResponseCodec.MAX_LINE + 1);
        ProtocolException e = refused("HTTP/1.1 200 " + longLine + "\r\n\r\n");
        assertEquals("a status line of at most 65536 bytes", e.expected());
        e = refused("HTTP/1.1 200 OK\r\nX-Long: " + longLine + "\r\n\r\n");
        assertEquals("a header field of at most 65536 bytes", e.expected());
        assertTrue(e.actual().startsWith("a longer line after \"X-Long: xxx"), e.actual());
        e = refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "0".repeat(Http1ResponseCodec.MAX_LINE + 1) + "\r\n");
        assertEquals("a chunk size of at most 65536 bytes", e.expected());
        // lines each within bounds, too many of them together
        String field = "X-Many: " + "y".repeat(60 * 1024) + "\r\n";
        e = refused("HTTP/1.1 200 OK\r\n" + field.repeat(5) + "\r\n");
        assertEquals("at most 262144 bytes of head", e.expected());
        e = refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + field.repeat(5) + "\r\n");
        assertEquals("at most 262144 bytes of trailers", e.expected());
    }

    @Test
    void hugeDeclaredLengthsAreRefusedWithoutAllocatingThem() throws IOException {
        ProtocolException e = refused("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n");
        assertEquals("a content-length of decimal digits below 2^63", e.expected());
        e = refused("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\nabc");
        assertEquals("a body of at most " + Http1ResponseCodec.MAX_BODY + " bytes", e.expected());
        assertEquals("content-length 9223372036854775807", e.actual());
        e = refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nabc");
        assertEquals("a chunk of 9223372036854775807 bytes after 0", e.actual());
        e = refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4000000\r\n");
        assertEquals("a chunk of 67108864 bytes after 3", e.actual());
        // streamed, a huge length is only framing: the stream ending early is what is refused
        ProtocolException s = assertThrows(ProtocolException.class, () -> streamed(
                new ByteArrayInputStream(bytes("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\nabc")), 8));
        assertEquals("9223372036854775804 more bytes of a body of content-length 9223372036854775807", s.expected());
    }

    @Test
    void aBodyUntilCloseBeyondTheBoundIsRefused() {
        byte[] head = bytes("HTTP/1.1 200 OK\r\n\r\n");
        InputStream endless = new InputStream() {
            private int pos;

            @Override
            public int read() {
                return pos < head.length ? head[pos++] & 0xff : 'z';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 'z');
                return len;
            }
        };
        ProtocolException e = assertThrows(ProtocolException.class, () -> whole(endless));
        assertEquals("a body of at most " + Http1ResponseCodec.MAX_BODY + " bytes", e.expected());
    }

    @Test
    void badStatusLines() {
        for (String status : new String[] {"", "HTTP/2 200 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 20 OK", "HTTP/1.1 abc OK",
                "HTTP/1.1 600 Nope", "HTTP/1.1  200 OK", "http/1.1 200 OK", "SSH-2.0-OpenSSH_9.2", "HTTP/1.1 200OK"}) {
            ProtocolException e = refused(status + "\r\nContent-Length: 0\r\n\r\n");
            assertEquals("a status line such as \"HTTP/1.1 200 OK\"", e.expected(), status);
        }
    }

    @Test
    void badHeaderFields() {
        for (String field : new String[] {"no colon", ": empty name", "Bad Name: x", "Name : x", " folded: x", "\tx: y"}) {
            ProtocolException e = refused("HTTP/1.1 200 OK\r\n" + field + "\r\n\r\n");
            assertEquals("a header field \"name: value\"", e.expected(), field);
        }
        ProtocolException e = refused("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals("\"5, 5\"", e.actual(), "two lengths are two values, not one");
        e = refused("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        assertEquals("a transfer-encoding or a content-length", e.expected());
        e = refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
        assertEquals("transfer-encoding \"chunked\"", e.expected());
        e = refused("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n");
        assertEquals("\"-1\"", e.actual());
        e = refused("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n");
        assertEquals("an empty one", e.actual());
    }

    @Test
    void whatComesIsQuotedOnOneShortLine() {
        ProtocolException e = refused("\u0000\u001b[31m\"\\" + "x".repeat(200) + "\r\n\r\n");
        assertTrue(e.actual().startsWith("\"\\x00\\x1b[31m\\\"\\\\xxx"), e.actual());
        assertTrue(e.actual().endsWith("\"..."), e.actual());
    }

    @Test
    void interimAnswersArePassedOverAndEmptyBodiesAreDone() throws IOException {
        Read r = whole(new ByteArrayInputStream(bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n")));
        assertEquals(204, r.head().status());
        assertEquals("No Content", r.head().reason());
        assertEquals(0, r.body().length);
        r = whole(new ByteArrayInputStream(bytes("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n")));
        assertEquals(200, r.head().status());
        assertEquals("", r.head().reason());
    }

    @Test
    void after101TheStreamStandsAtTheUpgradedProtocol() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
                + "\u0081\u0002hi"));
        Http1ResponseCodec codec = new Http1ResponseCodec(in, PEER);
        assertEquals(101, codec.readHead().status());
        assertEquals(Http1ResponseCodec.State.DONE, codec.state());
        assertEquals(-1, codec.body().read());
        assertArrayEquals(bytes("\u0081\u0002hi"), in.readAllBytes());
    }

    @Test
    void theBodyIsRefusedBeforeTheHeadAndTheHeadIsReadOnce() throws IOException {
        Http1ResponseCodec codec = new Http1ResponseCodec(new ByteArrayInputStream(bytes(FIXED)), PEER);
        assertThrows(IllegalStateException.class, codec::body);
        codec.readHead();
        assertThrows(IllegalStateException.class, codec::readHead);
    }
}
