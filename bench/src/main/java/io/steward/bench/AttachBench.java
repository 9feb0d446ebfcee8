package io.steward.bench;

import io.steward.api.Json;
import io.steward.api.Overflow;
import io.steward.api.RunOptions;
import io.steward.api.RunRequestBody;
import io.steward.api.StewardHome;
import io.steward.client.Sessions;
import io.steward.client.StewardClient;
import io.steward.client.UnixHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A session's child writes BYTES zero bytes to stdout; they travel through the daemon to a
 * WebSocket client attached over the Unix socket (Jetty's client), which counts them. The session
 * runs {@code sh -c 'read x; exec head -c BYTES /dev/zero'} with a 64 MiB ring under backpressure,
 * so no byte may be dropped; the client attaches (cursor 0) before it posts the line that lets the
 * child start, and the rate is the payload over the time from the first to the last binary frame.
 * Warm-up runs of WARMUP_BYTES come first, then RUNS rounds of a steward run followed by the
 * {@code head | cat | cat} pipeline (as in {@link ThroughputBench}).
 *
 * <p>A run that gets no byte for {@link #STALL_SECONDS} before the end, or that ends with fewer
 * bytes than written, is a daemon bug: the benchmark fails with the session's state and does not
 * retry.
 */
final class AttachBench {
    static final int STALL_SECONDS = 5;
    static final int RING_BYTES = 64 * 1024 * 1024;

    private AttachBench() {}

    static void run(long bytes, long warmupBytes, int warmupRuns, int runs) throws Exception {
        StewardHome home = StewardHome.fromEnvironment();
        StewardClient client = new StewardClient(home);
        client.daemon().health();
        try (Ws ws = new Ws(home.socket())) {
            for (int i = 0; i < warmupRuns; i++) {
                double rate = once(client, ws, warmupBytes);
                System.err.printf("  (warm-up steward %.0f bytes/s)%n", rate);
            }
            for (int i = 0; i < runs; i++) {
                System.out.printf("steward %.0f bytes/s%n", once(client, ws, bytes));
                System.out.printf("cat-cat %.0f bytes/s%n", bytes / (ThroughputBench.catCat(bytes) / 1e9));
            }
        }
    }

    /** Whether the session also writes its output to log files (the default for sessions; BENCH_ATTACH_LOG_FILE=false turns it off). */
    private static final boolean LOG_FILE = !"false".equals(System.getenv("BENCH_ATTACH_LOG_FILE"));

    /** One complete transfer of {@code bytes}; returns payload bytes per second at the client. */
    private static double once(StewardClient client, Ws ws, long bytes) throws Exception {
        String id = client.sessions().run(RunRequestBody.builder(
                List.of("sh", "-c", "read x; exec head -c " + bytes + " /dev/zero")).set(RunOptions.RING_BYTES, RING_BYTES)
                .set(RunOptions.OVERFLOW, Overflow.BACKPRESSURE).set(RunOptions.LOG_FILE, LOG_FILE).build()).id();
        AttachListener l = new AttachListener();
        try {
            ws.attach(l, id);
            // A connected socket is not yet a consumer of the ring: the log writer alone could free
            // the first bytes before the client's pump holds them.
            if (!l.awaitHello(10_000)) {
                throw new IllegalStateException("attach-throughput: no hello within 10 s");
            }
            UnixHttp.Response r = client.raw("POST", "/v1/sessions/" + id + "/stdin", "application/octet-stream",
                    "go\n".getBytes(StandardCharsets.US_ASCII));
            if (r.status() != 200) {
                throw new IllegalStateException("attach-throughput: stdin refused: " + r.status() + " " + r.text());
            }
            long seen = -1;
            int idle = 0;
            while (!l.awaitClose(1000)) {
                long now = l.payload();
                idle = now == seen ? idle + 1 : 0;
                seen = now;
                if (idle >= STALL_SECONDS) {
                    throw new IllegalStateException(String.format("attach-throughput: STALL, no byte for %d s after %d"
                            + " of %d bytes (%d frames); session: %s", STALL_SECONDS, now, bytes, l.frames(),
                            Json.write(client.sessions().get(id).toJson())));
                }
            }
            if (l.error() != null) {
                throw new IllegalStateException("attach-throughput: WebSocket error after " + l.payload() + " of "
                        + bytes + " bytes", l.error());
            }
            Map<String, Object> exit = l.exit();
            if (l.payload() != bytes || l.otherTags() != 0 || l.droppedReported() != 0 || exit == null
                    || !Long.valueOf(0).equals(exit.get("exitCode"))) {
                throw new IllegalStateException(String.format("attach-throughput: LOST BYTES, received %d of %d bytes"
                        + " in %d frames (%d with another tag, %d reported dropped), exit %s, close %s; session: %s",
                        l.payload(), bytes, l.frames(), l.otherTags(), l.droppedReported(),
                        exit == null ? "none" : Json.write(exit), l.closeReason(),
                        Json.write(client.sessions().get(id).toJson())));
            }
            return l.payload() / (l.spanNanos() / 1e9);
        } finally {
            l.close();
            release(client, id);
        }
    }

    /** Kills the session if it still runs and releases it, so the daemon holds nothing between runs. */
    private static void release(StewardClient client, String id) {
        try {
            Sessions sessions = client.sessions();
            if (sessions.get(id).running()) {
                sessions.kill(id);
            }
            sessions.await(id, Duration.ofSeconds(10));
            sessions.remove(id);
        } catch (RuntimeException e) {
            System.err.println("attach-throughput: could not release session " + id + ": " + e.getMessage());
        }
    }

    /** Jetty's WebSocket client over the daemon's Unix socket. */
    static final class Ws implements AutoCloseable {
        private final HttpClient http;
        private final WebSocketClient ws;

        Ws(Path socket) throws Exception {
            Transport unix = new Transport.TCPUnix(socket);
            http = new HttpClient(new HttpClientTransportOverHTTP(new ClientConnector()) {
                @Override
                public Origin newOrigin(org.eclipse.jetty.client.Request request) {
                    if (request.getTransport() == null) {
                        request.transport(unix);
                    }
                    return super.newOrigin(request);
                }
            });
            http.start();
            ws = new WebSocketClient(http);
            ws.setMaxBinaryMessageSize(4 * 1024 * 1024);
            ws.start();
        }

        void attach(AttachListener listener, String id) throws Exception {
            ws.connect(listener, URI.create("ws://localhost/v1/sessions/" + id + "/attach?cursor=0"))
                    .get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            try {
                ws.stop();
            } finally {
                http.stop();
            }
        }
    }
}
