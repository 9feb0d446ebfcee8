package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import io.steward.api.SessionInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Read-only clients against a real daemon: any number watch alongside at most one writer, all see
 * the same bytes, a steal evicts the writer only, and a watcher's input never reaches the session.
 */
class AttachWatchersTest extends DaemonFixture {
    private static final int PTY = 0;

    private String shell() {
        return run("argv", List.of("sh"), "pty", true).id();
    }

    private WsListener attach(WsConnector ws, String id, String query) throws Exception {
        WsListener l = new WsListener();
        ws.attach(l, id, query);
        l.awaitText("hello");
        return l;
    }

    private void awaitClients(String id, boolean writer, long watchers) {
        poll("attached " + writer + " with " + watchers + " watchers", () -> {
            SessionInfo view = client.sessions().get(id);
            return view.attached() == writer && view.watchers() == watchers;
        });
    }

    @Test
    void threeWatchersAndAWriterSeeTheSameBytes() throws Exception {
        String id = shell();
        try (WsConnector ws = new WsConnector(stewardHome.socket())) {
            List<WsListener> watchers = List.of(attach(ws, id, "readOnly=true"), attach(ws, id, "readOnly=true"),
                    attach(ws, id, "readOnly=true"));
            awaitClients(id, false, 3);
            WsListener writer = attach(ws, id, "");
            awaitClients(id, true, 3);

            watchers.get(0).sendBinary("echo watcher-$((2+3))\n".getBytes(StandardCharsets.UTF_8));
            // Frames are handled in order: once this one is answered, the input before it was handled.
            watchers.get(0).sendText(Json.object("type", "probe"));
            assertEquals("invalid-input", watchers.get(0).awaitText("error").get("code"));
            writer.sendBinary("echo typed-$((6*7))\n".getBytes(StandardCharsets.UTF_8));
            writer.sendBinary("echo done-$((1+1))\n".getBytes(StandardCharsets.UTF_8));
            String all = awaitBacklog(id, "done-2\r\n");
            for (WsListener l : List.of(watchers.get(0), watchers.get(1), watchers.get(2), writer)) {
                l.await("the backlog up to done-2", () -> l.size(PTY) >= all.length(), false);
                String seen = l.text(PTY);
                assertTrue(seen.startsWith(all) && text(id).startsWith(seen),
                        "every client sees the session's bytes, and only those: " + seen + " vs " + all);
                assertTrue(l.texts("dropped").isEmpty(), l.summary());
            }
            assertTrue(all.contains("typed-42"), all);
            assertFalse(all.contains("watcher-5") || all.contains("watcher-$"), "a watcher's input reached the session: " + all);
        }
        awaitClients(id, false, 0);
    }

    @Test
    void aStealEvictsTheWriterOnlyAndWatchersNeverBlockAWriter() throws Exception {
        String id = shell();
        try (WsConnector ws = new WsConnector(stewardHome.socket())) {
            WsListener first = attach(ws, id, "");
            WsListener w1 = attach(ws, id, "readOnly=true");
            WsListener w2 = attach(ws, id, "readOnly=true");
            awaitClients(id, true, 2);
            assertEquals(409, ws.refusedStatus(id, ""), "a second writer without steal");

            WsListener second = attach(ws, id, "steal=true");
            first.awaitText("stolen");
            assertEquals(4001, first.awaitClosed());
            awaitClients(id, true, 2);
            assertFalse(w1.closed() || w2.closed(), "the watchers stay through the steal");
            assertTrue(w1.texts("stolen").isEmpty() && w2.texts("stolen").isEmpty(), "and are told nothing");

            second.sendBinary("echo after-$((3*3))\n".getBytes(StandardCharsets.UTF_8));
            w1.awaitOutput(PTY, "after-9");
            w2.awaitOutput(PTY, "after-9");

            w1.sendText(Json.object("type", "detach"));
            assertEquals(1000, w1.awaitClosed());
            awaitClients(id, true, 1);
            second.sendText(Json.object("type", "detach"));
            assertEquals(1000, second.awaitClosed());
            awaitClients(id, false, 1);
            // With no writer left, the next one needs no steal; the remaining watcher is not in its way.
            WsListener third = attach(ws, id, "");
            awaitClients(id, true, 1);
            third.sendBinary("echo third-$((4*4))\n".getBytes(StandardCharsets.UTF_8));
            w2.awaitOutput(PTY, "third-16");
        }
    }

    @Test
    void readOnlyWithStealIsRefusedAndChangesNothing() throws Exception {
        String id = shell();
        try (WsConnector ws = new WsConnector(stewardHome.socket())) {
            WsListener writer = attach(ws, id, "");
            awaitClients(id, true, 0);
            WsWire.Reply refusal = WsWire.exchange(stewardHome.socket(), "GET /v1/sessions/" + id
                    + "/attach?readOnly=true&steal=true HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                    null, java.time.Duration.ofSeconds(10));
            assertEquals(400, refusal.status());
            assertEquals("invalid-input", Json.parseObject(refusal.text()).get("code"));
            assertFalse(writer.closed(), "the writer was not evicted");
            assertTrue(writer.texts("stolen").isEmpty());
            awaitClients(id, true, 0);
        }
    }

    @Test
    void burstsOfSmallAndLargeWritesArriveWholeAndInOrderAtEveryClient() throws Exception {
        // Lines of a few bytes (sent as they come) between writes of 10 000 (streamed): each client
        // gets every byte once, in order, whichever way each piece went out.
        String id = run("overflow", "backpressure", "argv", List.of("sh", "-c",
                "read go; for i in $(seq 1 100); do echo $i; head -c 10000 /dev/zero | tr '\\0' x; echo; done")).id();
        try (WsConnector ws = new WsConnector(stewardHome.socket())) {
            WsListener writer = attach(ws, id, "");
            WsListener watcher = attach(ws, id, "readOnly=true");
            writer.sendBinary("go\n".getBytes(StandardCharsets.UTF_8));
            writer.awaitText("exit");
            watcher.awaitText("exit");
            StringBuilder expected = new StringBuilder();
            for (int i = 1; i <= 100; i++) {
                expected.append(i).append('\n').append("x".repeat(10_000)).append('\n');
            }
            assertEquals(expected.toString(), writer.text(1), "the writer, a consumer: every byte once, in order");
            long missed = watcher.texts("dropped").stream().mapToLong(d -> ((Number) d.get("bytes")).longValue()).sum();
            if (missed == 0) {
                assertEquals(expected.toString(), watcher.text(1));
            } else {
                assertEquals(expected.length(), watcher.size(1) + missed, watcher.summary());
            }
        }
    }

    /** Waits until the session's backlog holds {@code needle}, and returns it whole. */
    private String awaitBacklog(String id, String needle) {
        poll(needle + " in the backlog", () -> text(id).contains(needle));
        return text(id);
    }
}
