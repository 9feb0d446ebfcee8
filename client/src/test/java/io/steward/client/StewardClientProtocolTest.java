package io.steward.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.Event;
import io.steward.api.HealthInfo;
import io.steward.api.OutputChunk;
import io.steward.api.SessionEvent;
import io.steward.api.StdStream;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StewardClient} against a server on a real Unix socket that answers as the test says:
 * well-formed, malformed and cut short. Whatever comes, the client answers or raises one
 * {@link ProtocolException} in one line, never a NullPointerException or NumberFormatException.
 */
class StewardClientProtocolTest {
    @TempDir
    Path dir;

    private Path socket;
    private StewardClient client;
    private final AtomicReference<byte[][]> reply = new AtomicReference<>();

    @BeforeEach
    void paths() {
        socket = dir.resolve("steward.sock");
        client = new StewardClient(new StewardHome(dir, socket));
    }

    private CannedServer server() throws Exception {
        return new CannedServer(socket, request -> reply.get());
    }

    private void answer(String response) {
        reply.set(new byte[][] {response.getBytes(StandardCharsets.ISO_8859_1)});
    }

    private static String json(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String chunked(String... chunks) {
        StringBuilder b = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (String c : chunks) {
            b.append(Integer.toHexString(c.length())).append("\r\n").append(c).append("\r\n");
        }
        return b.append("0\r\n\r\n").toString();
    }

    private ProtocolException refused(Runnable call) {
        ProtocolException e = assertThrows(ProtocolException.class, call::run);
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
        assertTrue(e.getMessage().startsWith("bad answer from the daemon at " + socket + ": expected "), e.getMessage());
        assertEquals(ErrorCode.INTERNAL, e.code());
        return e;
    }

    @Test
    void anAnswerWrittenAByteAtATimeIsReadWhole() throws Exception {
        byte[] whole = chunked("{\"status\":", "\"ok\"}").getBytes(StandardCharsets.US_ASCII);
        byte[][] pieces = new byte[whole.length][];
        for (int i = 0; i < whole.length; i++) {
            pieces[i] = new byte[] {whole[i]};
        }
        reply.set(pieces);
        try (CannedServer s = server()) {
            assertEquals(HealthInfo.Status.OK, client.daemon().health().status());
            assertEquals(List.of("GET /v1/health HTTP/1.1"), s.requests);
        }
    }

    @Test
    void malformedAnswersAreOneProtocolError() throws Exception {
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("", "a status line ending in CRLF");
        expected.put("SSH-2.0-OpenSSH_9.2\r\n", "a status line such as \"HTTP/1.1 200 OK\"");
        expected.put("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n{}", "a content-length of decimal digits below 2^63");
        expected.put("HTTP/1.1 200 OK\r\nContent-Length: 123456789012345678901234\r\n\r\n{}",
                "a content-length of decimal digits below 2^63");
        expected.put("HTTP/1.1 200 OK\r\nContent-Length: 9000000000\r\n\r\n{}", "a body of at most 67108864 bytes");
        expected.put("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
                "a chunk size in hex, then optional extensions");
        expected.put("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n{}\r\n0\r\n\r\n",
                "a chunk size below 2^63");
        expected.put("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}0\r\n\r\n", "CRLF after a 2-byte chunk");
        expected.put("HTTP/1.1 200 OK\nContent-Length: 2\n\n{}", "a status line ending in CRLF");
        expected.put("HTTP/1.1 200 OK\r\nX: " + "a".repeat(70_000) + "\r\n\r\n{}", "a header field of at most 65536 bytes");
        expected.put("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n{}", "transfer-encoding \"chunked\"");
        expected.put(json("hello"), "a JSON object");
        expected.put(json("[1,2]"), "a JSON object");
        expected.put("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n<h1>oops</h1>",
                "a problem document (a JSON object) with HTTP 502");
        try (CannedServer s = server()) {
            for (Map.Entry<String, String> c : expected.entrySet()) {
                answer(c.getKey());
                ProtocolException e = refused(() -> client.daemon().health());
                assertEquals(c.getValue(), e.expected(), e.getMessage());
            }
        }
    }

    @Test
    void everyCutOfAnAnswerIsAProtocolError() throws Exception {
        try (CannedServer s = server()) {
            for (String whole : List.of(json("{\"status\":\"ok\"}"), chunked("{\"status\":", "\"ok\"}"))) {
                answer(whole);
                assertEquals(HealthInfo.Status.OK, client.daemon().health().status());
                for (int cut = 0; cut < whole.length(); cut++) {
                    answer(whole.substring(0, cut));
                    ProtocolException e = refused(() -> client.daemon().health());
                    assertTrue(e.actual().contains("end of stream"), cut + ": " + e.getMessage());
                }
            }
        }
    }

    @Test
    void aProblemDocumentIsStillTheDaemonsTypedError() throws Exception {
        answer("HTTP/1.1 404 Not Found\r\nContent-Type: application/problem+json\r\nContent-Length: 40\r\n\r\n"
                + "{\"code\":\"not-found\",\"detail\":\"no web\"}  ");
        try (CannedServer s = server()) {
            StewardException e = assertThrows(StewardException.class, () -> client.sessions().get("web"));
            assertEquals(ErrorCode.NOT_FOUND, e.code());
            assertEquals("no web", e.getMessage());
        }
    }

    @Test
    void aLargeOutputReadArrivesWhole() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 7];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        answer(json("{\"stream\":\"stdout\",\"cursor\":0,\"next\":" + data.length + ",\"dropped\":0,\"end\":" + data.length
                + ",\"eof\":true,\"data\":\"" + Base64.getEncoder().encodeToString(data) + "\"}"));
        try (CannedServer s = server()) {
            OutputChunk out = client.sessions().output("web", StdStream.STDOUT, 0, data.length);
            assertArrayEquals(data, out.data());
            assertEquals(data.length, out.next());
        }
    }

    private static String sse(String... events) {
        String[] chunks = new String[events.length];
        for (int i = 0; i < events.length; i++) {
            chunks[i] = "id: " + (i + 1) + "\nevent: started\ndata: " + events[i] + "\n\n";
        }
        return chunked(chunks).replace("application/json", "text/event-stream");
    }

    @Test
    void anEventStreamIsReadToItsEnd() throws Exception {
        answer(sse("{\"seq\":1}", "{\"seq\":2}"));
        List<Event> seen = new ArrayList<>();
        try (CannedServer s = server()) {
            client.daemon().events(0, seen::add);
        }
        assertEquals(List.of(1L, 2L), seen.stream().map(Event::seq).toList());
    }

    @Test
    void anEventStreamCutShortIsAProtocolErrorAfterTheEventsBeforeTheCut() throws Exception {
        String whole = sse("{\"seq\":1}", "{\"seq\":2}");
        String secondChunk = "id: 2\nevent: started\ndata: {\"seq\":2}\n\n";
        List<Event> seen = new ArrayList<>();
        try (CannedServer s = server()) {
            answer(whole.substring(0, whole.indexOf(secondChunk) + 3));
            ProtocolException e = refused(() -> client.daemon().events(0, seen::add));
            assertEquals(1, seen.size(), "the first event came before the cut");
            assertEquals((secondChunk.length() - 3) + " more bytes of a " + secondChunk.length() + "-byte chunk", e.expected());
            assertEquals("end of stream", e.actual());

            answer(sse("{\"seq\":1}", "{\"seq\":"));
            e = refused(() -> client.daemon().events(0, m -> true));
            assertEquals("an event's data as a JSON object", e.expected());
        }
    }

    @Test
    void theTypedCallsAskTheDaemonsPathsAndReadTheirRecords() throws Exception {
        answer(json("{\"stream\":\"stderr\",\"cursor\":2,\"next\":5,\"dropped\":2,\"end\":5,\"eof\":false,"
                + "\"data\":\"b2sK\"}"));
        try (CannedServer s = server()) {
            OutputChunk typed = client.sessions().output("web", StdStream.STDERR, 0, 10);
            assertEquals(StdStream.STDERR, typed.stream());
            assertArrayEquals("ok\n".getBytes(StandardCharsets.US_ASCII), typed.data());
            assertEquals(List.of("GET /v1/sessions/web/output?stream=stderr&cursor=0&max=10 HTTP/1.1"), s.requests);
        }
        answer(sse("{\"seq\":1,\"type\":\"started\",\"at\":\"2026-12-02T10:00:00Z\",\"session\":\"s1\",\"name\":null,"
                + "\"pid\":42,\"argv\":[\"true\"]}", "{\"seq\":2,\"type\":\"teleported\",\"at\":\"2026-12-02T10:00:01Z\"}"));
        List<Event> seen = new ArrayList<>();
        try (CannedServer s = server()) {
            client.daemon().events(0, seen::add);
        }
        assertEquals(List.of("s1"), seen.stream().filter(e -> e instanceof SessionEvent.Started)
                .map(e -> ((SessionEvent.Started) e).session()).toList());
        assertEquals("teleported", assertInstanceOf(Event.Other.class, seen.get(1)).type());
    }

    @Test
    void aStreamThatIsRefusedIsTheDaemonsError() throws Exception {
        String problem = "{\"code\":\"invalid-input\",\"detail\":\"bad since\"}";
        answer("HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(problem.length()) + "\r\n" + problem + "\r\n0\r\n\r\n");
        try (CannedServer s = server()) {
            StewardException e = assertThrows(StewardException.class, () -> client.daemon().events(-5, m -> true));
            assertEquals(ErrorCode.INVALID_INPUT, e.code());
            assertEquals("bad since", e.getMessage());
        }
    }
}
