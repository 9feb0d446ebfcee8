package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.HealthInfo;
import io.steward.api.Json;
import io.steward.api.SessionInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Requests the HTTP layer refuses whole: malformed query strings, paths Jetty refuses before any
 * handler runs, bodies declared or sent beyond the limit. Each is a problem document with a stable
 * code, answered without reading what was not needed.
 */
class MalformedRequestsTest extends DaemonFixture {
    private static final Duration PER_REQUEST = Duration.ofSeconds(10);
    private static final Set<String> CODES = Arrays.stream(ErrorCode.values()).map(ErrorCode::wire)
            .collect(Collectors.toSet());

    @Test
    void malformedQueryStringsAreInvalidInputNotServerErrors() throws Exception {
        String id = run("argv", List.of("sleep", "600")).id();
        List<String> failures = new ArrayList<>();
        for (String path : List.of("/v1/health", "/v1/sessions", "/v1/sessions/" + id, "/v1/sessions/" + id + "/output",
                "/v1/events", "/v1/sessions/" + id + "/attach")) {
            for (String query : List.of("x=%zz", "cursor=%", "label=%e9", "stream=%ff%fe", "max=1%")) {
                for (boolean upgrade : new boolean[] {false, true}) {
                    String head = "GET " + path + "?" + query + " HTTP/1.1\r\nHost: localhost\r\n" + (upgrade
                            ? "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            : "Connection: close\r\n") + "\r\n";
                    WsWire.Reply r = WsWire.exchange(stewardHome.socket(), head, null, PER_REQUEST);
                    String code = r.contentType().startsWith("application/problem+json")
                            ? String.valueOf(Json.parseObject(r.text()).get("code")) : r.contentType();
                    if (r.status() != 400 || !code.equals("invalid-input")) {
                        failures.add((upgrade ? "upgrade " : "") + path + "?" + query + " -> " + r.status() + " " + code);
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), "a malformed query must be a 400 invalid-input problem:\n"
                + String.join("\n", failures));
        assertEquals(SessionInfo.Phase.RUNNING, client.sessions().get(id).phase());
    }

    @Test
    void requestsRefusedBeforeRoutingAreStillProblemDocuments() throws Exception {
        List<String> failures = new ArrayList<>();
        List<String> heads = List.of("GET /v1//health HTTP/1.1", "GET /v1/sessions/%2F HTTP/1.1",
                "GET /v1/sessions/%2e%2e/x HTTP/1.1", "GET /v1/sessions/%zz HTTP/1.1", "GET /v1/sessions/%00 HTTP/1.1",
                "GET /v1/sessions/;/x HTTP/1.1", "GET /v1/" + "a".repeat(9000) + " HTTP/1.1", "FR\u00d6B /v1/health HTTP/1.1",
                "GET v1/health HTTP/1.1");
        for (String line : heads) {
            String head = line + "\r\nHost: localhost\r\nConnection: close\r\n\r\n";
            WsWire.Reply r = WsWire.exchange(stewardHome.socket(), head, null, PER_REQUEST);
            String shown = line.length() > 80 ? line.substring(0, 80) + "..." : line;
            if (r.status() < 400 || r.status() >= 500) {
                failures.add(shown + " -> " + r.statusLine());
            } else if (!r.contentType().startsWith("application/problem+json")) {
                failures.add(shown + " -> " + r.status() + " " + r.contentType());
            } else if (!CODES.contains(String.valueOf(Json.parseObject(r.text()).get("code")))) {
                failures.add(shown + " -> " + r.text());
            }
        }
        assertTrue(failures.isEmpty(), "errors are problem documents with a stable code, even Jetty's own:\n"
                + String.join("\n", failures));
        assertEquals(HealthInfo.Status.OK, client.daemon().health().status());
    }

    @Test
    void declaredHugeBodiesAreRefusedBeforeTheyAreSent() throws Exception {
        String id = run("argv", List.of("sleep", "600")).id();
        long fifty = 50L * 1024 * 1024;
        byte[] start = new byte[256 * 1024];
        Arrays.fill(start, (byte) ' ');
        start[0] = '{';
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        long t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            String path = i % 2 == 0 ? "/v1/sessions" : "/v1/sessions/" + id + "/stdin";
            // Only the first 256 KiB of the declared 50 MiB are ever sent: the answer must not wait for the rest.
            String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + fifty + "\r\n\r\n";
            WsWire.Reply r = WsWire.exchange(stewardHome.socket(), head, start, Duration.ofSeconds(5));
            assertEquals(413, r.status(), r.text());
            assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
            assertEquals("too-large", Json.parseObject(r.text()).get("code"));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 5000, "ten refusals took " + ms + " ms");

        // Without a declared length the daemon reads at most the limit, then refuses.
        for (String path : List.of("/v1/sessions", "/v1/sessions/" + id + "/stdin")) {
            byte[] body = new byte[6 * 1024 * 1024];
            Arrays.fill(body, (byte) ' ');
            body[0] = '{';
            String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n";
            WsWire.Reply r = WsWire.exchange(stewardHome.socket(), head.getBytes(StandardCharsets.US_ASCII),
                    ApiFuzzTest.chunked(new Random(1), body), Duration.ofSeconds(10));
            assertEquals(413, r.status(), r.text());
            assertEquals("too-large", Json.parseObject(r.text()).get("code"));
        }
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        assertTrue(after - before < 32L * 1024 * 1024, "heap grew by " + (after - before) / 1024 + " KiB");
        assertEquals(SessionInfo.Phase.RUNNING, client.sessions().get(id).phase());
        assertEquals(HealthInfo.Status.OK, client.daemon().health().status());
    }
}
