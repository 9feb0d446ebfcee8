package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.SessionInfo;
import io.steward.daemon.session.SessionLog;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --overflow backpressure}: a byte is freed only when every consumer has it. The log writer is
 * one, an attached writer is one while attached; with neither, the child waits and says so. A
 * read-only client is none: it never holds the child back, and is told what it fell behind by.
 */
class BackpressureTest extends DaemonFixture {
    private static byte[] seq(int count) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 1; i <= count; i++) {
            b.writeBytes((i + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    @Test
    void withNobodyAttachedTheChildRunsAtTheLogWritersPaceAndTheLogHasEveryByte() throws Exception {
        SessionLog.Counters counters = daemon.sessions().logCounters();
        String id = run("name", "bp", "overflow", "backpressure",
                "argv", List.of("sh", "-c", "seq 1 500000; echo FIN")).id();
        SessionInfo end = waitExit(id);
        assertEquals(false, end.timedOut(), "the child finished: " + end);
        assertEquals(0, end.exitCode());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(seq(500_000));
        expected.writeBytes("FIN\n".getBytes(StandardCharsets.US_ASCII));
        poll("the log writer to reach the end", () -> counters.written().get() == expected.size());
        assertEquals(0, counters.dropped().get(), "nothing skipped by the log writer");
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(home.resolve("logs/bp.out.log")));
        assertEquals(0, client.sessions().get(id).droppedBytes());
    }

    @Test
    void withoutLogFilesNorClientTheChildWaitsForAReaderAndIsShownBlocked() throws Exception {
        int total = 4 << 20;
        String id = run("overflow", "backpressure", "logFile", false,
                "argv", List.of("head", "-c", Integer.toString(total), "/dev/zero")).id();
        poll("the session shown blocked", () -> client.sessions().get(id).blocked());
        assertEquals(SessionInfo.Phase.RUNNING, client.sessions().get(id).phase());
        assertEquals(1 << 20, client.sessions().get(id).bufferedBytes(), "a full ring, nothing dropped");
        try (WsConnector ws = new WsConnector(stewardHome.socket())) {
            WsListener reader = new WsListener();
            ws.attach(reader, id, "cursor=0");
            reader.awaitText("exit");
            assertEquals(total, reader.bytes(1).length, "every byte reached the client");
        }
        assertFalse(client.sessions().get(id).blocked());
        assertEquals(0, client.sessions().get(id).droppedBytes());
    }

    @Test
    void anAttachedClientDoesNotFreeWhatTheLogWriterHasNotWritten() throws Exception {
        SessionLog.Counters counters = daemon.sessions().logCounters();
        long total = 64L << 20;
        String id = run("name", "fast", "overflow", "backpressure",
                "argv", List.of("sh", "-c", "read go; head -c " + total + " /dev/zero")).id();
        try (WsConnector ws = new WsConnector(stewardHome.socket())) {
            WsListener reader = new WsListener();
            ws.attach(reader, id, "cursor=0");
            reader.awaitText("hello");
            client.sessions().send(id, "go\n".getBytes(StandardCharsets.US_ASCII), false);
            reader.awaitText("exit");
            assertEquals(total, reader.bytes(1).length, "every byte reached the client");
        }
        poll("the log writer to reach the end", () -> counters.written().get() + counters.dropped().get() >= total);
        assertEquals(0, counters.dropped().get(), "the client never freed bytes the log writer lacked");
        assertEquals(total, counters.written().get());
    }

    @Test
    void aWatcherThatStopsReadingNeverHoldsTheChildBack() throws Exception {
        long total = 8L << 20;
        String id = run("overflow", "backpressure",
                "argv", List.of("sh", "-c", "read go; head -c " + total + " /dev/zero")).id();
        try (WsConnector ws = new WsConnector(stewardHome.socket())) {
            WsListener watcher = WsListener.stalledFromStart();
            ws.attach(watcher, id, "readOnly=true&cursor=0");
            poll("the watcher counted", () -> client.sessions().get(id).watchers() == 1);
            client.sessions().send(id, "go\n".getBytes(StandardCharsets.US_ASCII), false);
            SessionInfo end = waitExit(id);
            assertEquals(0, end.exitCode(), "the child wrote 8 MiB through a 1 MiB ring: " + end);
            assertEquals(0, watcher.size(1), "while the watcher read nothing");
            assertEquals(0, end.droppedBytes(), "the ring itself lost nothing");

            watcher.resume();
            watcher.awaitText("exit");
            long missed = 0;
            for (Map<String, Object> d : watcher.texts("dropped")) {
                missed += ((Number) d.get("bytes")).longValue();
            }
            assertEquals(total, missed + watcher.size(1), "every byte delivered or reported missed: " + watcher.summary());
            assertTrue(missed > 0, "the watcher fell behind: " + watcher.summary());
        }
    }
}
