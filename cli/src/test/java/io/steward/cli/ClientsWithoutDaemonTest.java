package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.AttachMessage;
import io.steward.api.LockHolder;
import io.steward.client.AttachEvent;
import io.steward.client.AttachOptions;
import io.steward.client.Attachment;
import io.steward.client.EventQuery;
import io.steward.client.UpgradeWait;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The clients that go on through the daemon's in-place upgrade, against a daemon that really goes
 * away: its lock is free then, so they end at once rather than trying again for
 * {@link UpgradeWait#LIMIT_MS}; and an attachment's cursors, the place it would attach again from,
 * follow the output it received.
 */
class ClientsWithoutDaemonTest extends WithDaemon {
    /** Well under {@link UpgradeWait#LIMIT_MS}: a client that waited for a new daemon would still be waiting. */
    private static final long ENDS_WITHIN_S = 10;

    @Test
    void aFollowedEventStreamEndsWhenTheDaemonStops() throws Exception {
        daemon.run("argv", List.of("true"));
        AtomicLong seen = new AtomicLong();
        CompletableFuture<Void> follow = CompletableFuture.runAsync(
                () -> daemon.client.daemon().events(EventQuery.since(0), e -> seen.incrementAndGet() >= 0));
        Cli.poll("the replay read", () -> seen.get() > 0);
        daemon.close();
        follow.handle((ok, failed) -> null).get(ENDS_WITHIN_S, TimeUnit.SECONDS);
        assertEquals(LockHolder.NONE, LockHolder.of(daemon.home.resolve("daemon.lock")));
    }

    @Test
    void anAttachmentEndsLostWhenTheDaemonIsKilled() throws Exception {
        String id = daemon.run("argv", List.of("sh", "-c", "echo ready; exec sleep 60"));
        Attachment a = daemon.client.attach(id, AttachOptions.DEFAULT);
        try (a) {
            assertInstanceOf(AttachMessage.Hello.class, ((AttachEvent.Control) a.next()).message());
            daemon.kill(); // SIGKILL: the connection ends without a close frame, and the lock is freed with the process
            AttachEvent end = assertTimeoutPreemptively(Duration.ofSeconds(ENDS_WITHIN_S), () -> {
                AttachEvent e;
                while (!((e = a.next()) instanceof AttachEvent.Closed)) {
                    // the output before the end
                }
                return e;
            });
            assertEquals(AttachEvent.Closed.LOST, ((AttachEvent.Closed) end).code());
        }
    }

    @Test
    void cursorsFollowTheOutputReceived() throws Exception {
        String id = daemon.run("argv", List.of("sh", "-c", "printf abcdef; printf xyz >&2; exec sleep 60"));
        pollLogs(id, "abcdefxyz");
        try (Attachment a = daemon.client.attach(id, AttachOptions.of(true, false))) {
            long[] received = assertTimeoutPreemptively(Duration.ofSeconds(ENDS_WITHIN_S), () -> readUntil(a, 6, 3));
            assertEquals(6, received[0]);
            assertEquals(3, received[1]);
            assertEquals(6, a.stdoutCursor());
            assertEquals(3, a.stderrCursor());
        }
        try (Attachment a = daemon.client.attach(id, new AttachOptions(true, false, 4, 1))) {
            long[] received = assertTimeoutPreemptively(Duration.ofSeconds(ENDS_WITHIN_S), () -> readUntil(a, 6, 3));
            assertEquals(2, received[0]); // "ef"
            assertEquals(2, received[1]); // "yz"
            assertEquals(6, a.stdoutCursor());
            assertEquals(3, a.stderrCursor());
        }
    }

    @Test
    void aDroppedMessageSetsTheCursorItNames() throws Exception {
        // 4 MiB through a 64 KiB ring to a watcher that reads none of it meanwhile: it falls behind.
        long total = 4L << 20;
        String id = daemon.run("argv", List.of("sh", "-c", "read go; head -c " + total + " /dev/zero; exec sleep 60"),
                "ringBytes", 65536L);
        try (Attachment a = daemon.client.attach(id, AttachOptions.of(true, false))) {
            assertInstanceOf(AttachMessage.Hello.class, ((AttachEvent.Control) a.next()).message());
            daemon.client.sessions().send(id, "go\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
            Cli.poll(id + " to write it all", () -> ((Number) daemon.session(id).get("droppedBytes")).longValue()
                    + ((Number) daemon.session(id).get("bufferedBytes")).longValue() >= total);
            long[] seen = assertTimeoutPreemptively(Duration.ofSeconds(ENDS_WITHIN_S), () -> {
                long received = 0;
                long dropped = 0;
                while (a.stdoutCursor() < total) {
                    switch (a.next()) {
                        case AttachEvent.Output o -> received += o.bytes().length;
                        case AttachEvent.Control(AttachMessage.Dropped d) -> {
                            dropped += d.bytes();
                            assertEquals(d.cursor(), a.stdoutCursor());
                        }
                        default -> { }
                    }
                }
                return new long[] {received, dropped};
            });
            assertTrue(seen[1] > 0, "nothing dropped");
            assertEquals(total, seen[0] + seen[1]);
            assertEquals(total, a.stdoutCursor());
        }
    }

    /** Reads output until the cursors reach {@code out} and {@code err}: the bytes received of each. */
    private static long[] readUntil(Attachment a, long out, long err) {
        long[] received = new long[2];
        while (a.stdoutCursor() < out || a.stderrCursor() < err) {
            if (a.next() instanceof AttachEvent.Output o) {
                received[o.stream() == AttachEvent.Output.STDERR ? 1 : 0] += o.bytes().length;
            }
        }
        return received;
    }
}
