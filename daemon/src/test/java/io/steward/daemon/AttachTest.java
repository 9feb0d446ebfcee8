package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.AttachMessage;
import io.steward.api.Json;
import io.steward.api.SessionInfo;
import io.steward.client.UnixHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * WebSocket attach against a real daemon: exclusive attachment and stealing, detach and replay
 * from a cursor, resize, stream tags, read-only clients, and a client that stops reading.
 */
class AttachTest extends DaemonFixture {
    private static final int PTY = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;

    private String start(Object... options) {
        return run(options).id();
    }

    private void stdin(String id, String data) {
        UnixHttp.Response r = client.raw("POST", "/v1/sessions/" + id + "/stdin", "application/octet-stream",
                data.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, r.status(), r.text());
    }

    private static String upgradeHead(String id, String query) {
        return "GET /v1/sessions/" + id + "/attach" + (query.isEmpty() ? "" : "?" + query) + " HTTP/1.1\r\n"
                + "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    @Test
    void stealTypeDetachReplayFromCursorAndExit() throws Exception {
        try (WsWire.EventTap events = new WsWire.EventTap(stewardHome.socket());
                WsConnector ws = new WsConnector(stewardHome.socket())) {
            events.awaitOpen();
            String id = start("argv", List.of("sh"), "pty", true);
            assertTrue(client.sessions().list(false, null).stream().anyMatch(s -> id.equals(s.id())), "listed");

            WsListener a = new WsListener();
            ws.attach(a, id, "");
            Map<String, Object> hello = a.awaitText("hello");
            assertEquals(id, hello.get("session"));
            assertEquals("pty", hello.get("kind"));
            assertEquals(0L, hello.get("stdoutCursor"));
            assertEquals(false, hello.get("readOnly"));
            assertTrue(client.sessions().get(id).attached());

            assertEquals(409, ws.refusedStatus(id, ""), "a second client without steal");
            WsWire.Reply refusal = WsWire.exchange(stewardHome.socket(), upgradeHead(id, ""), null, Duration.ofSeconds(10));
            assertEquals(409, refusal.status());
            assertTrue(refusal.contentType().startsWith("application/problem+json"), refusal.contentType());
            assertEquals("already-attached", Json.parseObject(refusal.text()).get("code"));
            assertFalse(a.closed(), "the refused attempts leave the attached client alone");

            WsListener b = new WsListener();
            ws.attach(b, id, "steal=true&cursor=0");
            b.awaitText("hello");
            a.awaitText("stolen");
            assertEquals(4001, a.awaitClosed(), "the evicted client is closed");
            events.await("stolen", e -> e.data().contains(id), Duration.ofSeconds(10));

            b.sendBinary("echo hi-$((6*7))\n".getBytes(StandardCharsets.UTF_8));
            b.awaitOutput(PTY, "hi-42");
            b.sendText(Json.object("type", "detach"));
            assertEquals(1000, b.awaitClosed());
            assertEquals("detached", b.closeReason());
            assertTrue(b.texts("dropped").isEmpty(), "nothing was dropped for B");
            byte[] seen = b.bytes(PTY);
            long cursor = seen.length;
            assertEquals(0, b.size(STDOUT) + b.size(STDERR), "a terminal session has one stream");

            poll("detached", () -> !client.sessions().get(id).attached());
            assertEquals(SessionInfo.Phase.RUNNING, client.sessions().get(id).phase(), "detaching leaves the session running");

            stdin(id, "echo later-$((5*5))\n");
            poll("output while detached", () -> text(id).contains("later-25"));

            WsListener c = new WsListener();
            ws.attach(c, id, "cursor=" + cursor);
            assertEquals(cursor, c.awaitText("hello").get("stdoutCursor"));
            c.awaitOutput(PTY, "later-25");
            String missed = new String(output(id, null, cursor), StandardCharsets.ISO_8859_1);
            c.await("the replay to catch up with the backlog", () -> c.text(PTY).length() >= missed.length(), false);
            String replay = c.text(PTY);
            assertTrue(replay.startsWith(missed) || missed.startsWith(replay), "the replay is the backlog from "
                    + cursor + ": " + replay + " vs " + missed);
            assertFalse(replay.contains("hi-42") || replay.contains("hi-$((6*7))"), "nothing B saw is replayed: " + replay);
            assertFalse(replay.startsWith(new String(seen, StandardCharsets.ISO_8859_1)), replay);
            assertTrue(c.texts("dropped").isEmpty());

            client.sessions().stop(id, Duration.ofSeconds(1), false);
            AttachMessage.Exit exit = (AttachMessage.Exit) AttachMessage.fromJson(c.awaitText("exit"));
            assertEquals(1000, c.awaitClosed());
            SessionInfo view = waitExit(id);
            assertEquals(SessionInfo.Phase.EXITED, view.phase());
            assertNotNull(exit.outcome());
            assertEquals(view.outcome(), exit.outcome());
            assertEquals(view.signal(), exit.signal());
            assertEquals(view.exitCode(), exit.exitCode());
        }
    }

    @Test
    void anAttachmentFollowsRestartsUntilTheSessionEndsForGood() throws Exception {
        // Every run appends to a file, prints its number, and fails until the third, which stays.
        java.nio.file.Path runs = home.resolve("runs");
        String id = start("argv", List.of("sh", "-c", "echo x >> " + runs + "; n=$(wc -l < " + runs + "); echo run-$n; "
                + "if [ $n -ge 3 ]; then exec sleep 30; fi; exit 3"), "restart", "on-failure");
        try (WsConnector ws = new WsConnector(stewardHome.socket())) {
            WsListener l = new WsListener();
            ws.attach(l, id, "cursor=0");
            l.awaitText("hello");
            l.awaitOutput(STDOUT, "run-3");
            List<Map<String, Object>> restarted = l.texts("restarted");
            assertEquals(2, restarted.size(), "one message per restart: " + restarted);
            for (int i = 0; i < 2; i++) {
                assertEquals(3L, restarted.get(i).get("exitCode"));
                assertEquals("natural-exit", restarted.get(i).get("outcome"));
                assertEquals((long) i + 1, restarted.get(i).get("restarts"));
            }
            assertEquals(client.sessions().get(id).pid(), restarted.get(1).get("pid"));
            assertEquals("run-1\nrun-2\nrun-3\n", l.text(STDOUT), "one stream across three processes, nothing twice");
            assertTrue(l.texts("exit").isEmpty() && !l.closed(), "a restart does not end the attachment");

            client.sessions().stop(id, Duration.ofSeconds(1), false);
            Map<String, Object> exit = l.awaitText("exit");
            assertEquals(1000, l.awaitClosed(), "the session's end for good ends it");
            assertEquals("soft-exit", exit.get("outcome"));
            assertEquals("TERM", exit.get("signal"));
            assertEquals(2, l.texts("restarted").size());
        }
    }

    @Test
    void resizeOverTheSocketIsWhatTheTerminalReports() throws Exception {
        String id = start("argv", List.of("sh"), "pty", true);
        try (WsConnector ws = new WsConnector(stewardHome.socket())) {
            WsListener l = new WsListener();
            ws.attach(l, id, "");
            l.awaitText("hello");
            l.sendText(Json.object("type", "resize", "rows", 33L, "cols", 111L));
            l.sendBinary("stty size\n".getBytes(StandardCharsets.UTF_8));
            l.awaitOutput(PTY, "33 111");
            SessionInfo view = client.sessions().get(id);
            assertEquals(33, view.rows());
            assertEquals(111, view.cols());

            l.sendText(Json.object("type", "resize", "rows", 0L, "cols", 80L));
            assertEquals("invalid-input", l.awaitText("error").get("code"));
            assertEquals(33, client.sessions().get(id).rows(), "a refused resize changes nothing");
            assertFalse(l.closed(), "a bad control message does not end the attachment");
        }
    }

    @Test
    void pipeStreamsArriveTaggedAndCursorsApplyPerStream() throws Exception {
        String id = start("argv", List.of("sh", "-c", "read x; echo out-$x; echo err-$x >&2"));
        try (WsConnector ws = new WsConnector(stewardHome.socket())) {
            WsListener l = new WsListener();
            ws.attach(l, id, "");
            assertEquals("pipe", l.awaitText("hello").get("kind"));
            l.sendBinary("7\n".getBytes(StandardCharsets.UTF_8));
            Map<String, Object> exit = l.awaitText("exit");
            assertEquals(0L, exit.get("exitCode"));
            assertEquals("natural-exit", exit.get("outcome"));
            assertEquals(1000, l.awaitClosed());
            assertEquals("out-7\n", l.text(STDOUT));
            assertEquals("err-7\n", l.text(STDERR));
            assertEquals(0, l.size(PTY));

            // The daemon lets go of the client once the closing handshake completes on its side.
            poll("detached", () -> !client.sessions().get(id).attached());
            // The exited session replays from each stream's own cursor.
            WsListener late = new WsListener();
            ws.attach(late, id, "cursor=4&stderrCursor=3");
            Map<String, Object> hello = late.awaitText("hello");
            assertEquals(4L, hello.get("stdoutCursor"));
            assertEquals(3L, hello.get("stderrCursor"));
            late.awaitText("exit");
            late.awaitClosed();
            assertEquals("7\n", late.text(STDOUT));
            assertEquals("-7\n", late.text(STDERR));
        }
    }

    @Test
    void inputBeyondAFullStdinQueueWaitsInOrderWhileTheDaemonServesOthers() throws Exception {
        java.nio.file.Path go = java.nio.file.Files.createTempDirectory(stewardHome.dir(), "go").resolve("go");
        // Reads nothing until told, so 4 MiB of input meets the 1 MiB stdin queue and the pipe.
        String id = start("argv", List.of("sh", "-c", "while [ ! -e " + go + " ]; do sleep 0.05; done; exec cat"),
                "ringBytes", 8L << 20);
        byte[] input = new byte[4 << 20];
        new java.util.Random(12).nextBytes(input);
        try (WsConnector ws = new WsConnector(stewardHome.socket())) {
            WsListener l = new WsListener();
            ws.attach(l, id, "");
            l.awaitText("hello");
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    for (int off = 0; off < input.length; off += 64 * 1024) {
                        l.sendBinary(java.util.Arrays.copyOfRange(input, off, off + 64 * 1024));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            io.steward.core.StdinSink sink = daemon.sessions().find(id).process().stdin().orElseThrow();
            poll("the stdin queue full", () -> sink.queued() > io.steward.core.StdinSink.DEFAULT_LIMIT - 64 * 1024);
            // The frame that found the queue full waits on a thread of its own: the daemon's
            // threads still serve everyone else.
            String other = start("argv", List.of("sh", "-c", "read x; echo got-$x"));
            try (WsConnector ws2 = new WsConnector(stewardHome.socket())) {
                WsListener o = new WsListener();
                ws2.attach(o, other, "");
                o.awaitText("hello");
                o.sendBinary("7\n".getBytes(StandardCharsets.UTF_8));
                o.awaitText("exit");
                assertEquals("got-7\n", o.text(STDOUT));
            }
            java.nio.file.Files.createFile(go);
            sender.join(Duration.ofSeconds(60));
            assertFalse(sender.isAlive(), "every frame was taken once the child read");
            poll("all input echoed", () -> l.size(STDOUT) >= input.length);
            assertTrue(java.util.Arrays.equals(input, l.bytes(STDOUT)), "the input arrived whole and in order");
        }
    }

    @Test
    void readOnlyClientsInputAndResizeAreIgnored() throws Exception {
        String id = start("argv", List.of("sh"), "pty", true);
        try (WsConnector ws = new WsConnector(stewardHome.socket())) {
            WsListener l = new WsListener();
            ws.attach(l, id, "readOnly=true");
            assertEquals(true, l.awaitText("hello").get("readOnly"));
            l.sendBinary("echo ignored-$((1+1))\n".getBytes(StandardCharsets.UTF_8));
            l.sendText(Json.object("type", "resize", "rows", 40L, "cols", 100L));
            // Frames are handled in order: once this one is answered, the two before it were handled.
            l.sendText(Json.object("type", "probe"));
            assertEquals("invalid-input", l.awaitText("error").get("code"));

            stdin(id, "echo marker-$((2+2))\n");
            l.awaitOutput(PTY, "marker-4");
            poll("marker in the backlog", () -> text(id).contains("marker-4"));
            assertFalse(text(id).contains("ignored"), "read-only input reached the session: " + text(id));
            SessionInfo view = client.sessions().get(id);
            assertEquals(24, view.rows());
            assertEquals(80, view.cols());
        }
    }

    @Test
    void aClientThatStopsReadingNeitherBlocksTheSessionNorLosesBytesSilently() throws Exception {
        long inputBytes = 20L * 1024 * 1024;
        String id = start("argv", List.of("sh", "-c", "read go; head -c " + inputBytes + " /dev/urandom | base64"));
        // base64 writes 4 characters per 3 bytes, in lines of 76 plus a newline, the last one included.
        long encoded = 4 * ((inputBytes + 2) / 3);
        long total = encoded + (encoded + 75) / 76;
        try (WsConnector ws = new WsConnector(stewardHome.socket())) {
            WsListener slow = WsListener.stalledFromStart();
            ws.attach(slow, id, "");
            stdin(id, "go\n");
            SessionInfo view = waitExit(id);
            assertEquals(SessionInfo.Phase.EXITED, view.phase(), "the session finished while its client read nothing");
            assertEquals(0, view.exitCode());
            assertTrue(slow.size(STDOUT) == 0, "the client really read nothing meanwhile");
            assertTrue(view.droppedBytes() > 0, "the 1 MiB ring overflowed");

            slow.resume();
            slow.awaitText("exit");
            slow.awaitClosed();
            List<Map<String, Object>> dropped = slow.texts("dropped");
            assertFalse(dropped.isEmpty(), "the client is told it missed bytes: " + slow.summary());
            long missed = 0;
            for (Map<String, Object> d : dropped) {
                assertEquals("stdout", d.get("stream"));
                long n = ((Number) d.get("bytes")).longValue();
                assertTrue(n > 0, d.toString());
                missed += n;
            }
            assertEquals(total, missed + slow.size(STDOUT), "every byte was either delivered or reported dropped");
            String metrics = client.raw("GET", "/metrics", null, null).text();
            long counted = metric(metrics, "steward_attach_dropped_bytes_total");
            assertEquals(missed, counted, metrics);
        }
    }

    private static long metric(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + name + " in\n" + text);
    }
}
