package io.steward.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The answer of a daemon being replaced in place, {@code 503} with the problem code {@code upgrading}:
 * nothing was done, so the client sends the same request again, whatever its method, until the new
 * daemon answers. Another 503 is an answer like any other.
 */
class UpgradingAnswerTest {
    @TempDir
    Path dir;

    private static byte[] problem(int status, String code) {
        String body = "{\"type\":\"https://steward.dev/problems/" + code + "\",\"title\":\"" + code + "\",\"status\":" + status
                + ",\"code\":\"" + code + "\",\"detail\":\"the daemon is being replaced\"}";
        return ("HTTP/1.1 " + status + " Service Unavailable\r\nContent-Type: application/problem+json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] stopping() {
        String body = "{\"stopping\":true,\"graceMs\":1000}";
        return ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void upgradingIsSentAgainUntilTheNewDaemonAnswers() throws Exception {
        Path socket = dir.resolve("steward.sock");
        AtomicInteger asked = new AtomicInteger();
        try (CannedServer s = new CannedServer(socket,
                request -> new byte[][] {asked.incrementAndGet() <= 3 ? problem(503, "upgrading") : stopping()})) {
            new StewardClient(new StewardHome(dir, socket)).daemon().stopDaemon(Duration.ofSeconds(1));
            assertEquals(4, s.requests.size());
            assertEquals("POST /v1/daemon/stop HTTP/1.1", s.requests.getLast());
        }
    }

    @Test
    void anotherUnavailableAnswerIsNot() throws Exception {
        Path socket = dir.resolve("steward.sock");
        try (CannedServer s = new CannedServer(socket, request -> new byte[][] {problem(503, "internal")})) {
            StewardException e = assertThrows(StewardException.class,
                    () -> new StewardClient(new StewardHome(dir, socket)).daemon().health());
            assertEquals(ErrorCode.INTERNAL, e.code());
            assertEquals(1, s.requests.size());
        }
    }
}
