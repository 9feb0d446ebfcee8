package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.steward.api.AttachMessage;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import io.steward.client.AttachEvent;
import io.steward.client.AttachOptions;
import io.steward.client.Attachment;
import io.steward.client.EventQuery;
import io.steward.client.StewardClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The clients through a {@link Relay} that cuts their connections while the daemon lives on and
 * keeps its lock, as its in-place upgrade does: they go on against the same daemon, missing and
 * repeating nothing.
 */
class ClientsThroughCutTest extends WithDaemon {
    private static final Duration BOUND = Duration.ofSeconds(8);
    private Relay relay;
    private StewardClient client;

    @BeforeEach
    void relay() throws Exception {
        relay = new Relay(tmp.resolve("relay.sock"), daemon.home.resolve(StewardHome.SOCKET_NAME));
        client = new StewardClient(new StewardHome(daemon.home, relay.socket()));
    }

    @AfterEach
    void closeRelay() throws Exception {
        relay.close();
    }

    @Test
    void aGetCutShortIsAskedAgain() throws Exception {
        String id = daemon.run("argv", List.of("sleep", "60"));
        relay.cutNextAfter(20); // inside the status line's head
        assertEquals(id, client.sessions().get(id).id());
        assertEquals(2, relay.connections.get());
    }

    @Test
    void anotherMethodCutShortIsNot() throws Exception {
        String id = daemon.run("argv", List.of("sleep", "60"));
        relay.cutNextAfter(20);
        assertThrows(StewardException.class, () -> client.sessions().flush(id));
        assertEquals(1, relay.connections.get());
    }

    @Test
    void anAttachmentGoesOnAfterItsConnectionIsCut() throws Exception {
        // The counter goes on past 100 and 1500 only when told, by input that can only come through a new connection.
        String id = daemon.run("argv", List.of("sh", "-c", "i=0; for stop in 100 1500 3000; do"
                + " while [ $i -lt $stop ]; do i=$((i+1)); echo $i; done; read go; done; exec sleep 60"));
        try (Attachment a = client.attach(id, AttachOptions.DEFAULT)) {
            StringBuilder text = new StringBuilder();
            assertTimeoutPreemptively(BOUND, () -> {
                for (String stop : List.of("\n100\n", "\n1500\n")) {
                    readUntil(a, text, stop);
                    relay.cut();
                    a.send("go\n".getBytes(StandardCharsets.UTF_8));
                }
                readUntil(a, text, "\n3000\n");
            });
            assertEquals(numbers(3000), text.toString());
            assertEquals(3, relay.connections.get());
        }
    }

    @Test
    void inputGivenWhileCutIsSentOnceBack() throws Exception {
        String id = daemon.run("argv", List.of("sh", "-c", "echo ready; while read l; do echo got $l; done"));
        try (Attachment a = client.attach(id, AttachOptions.DEFAULT)) {
            StringBuilder text = new StringBuilder();
            assertTimeoutPreemptively(BOUND, () -> {
                readUntil(a, text, "ready\n");
                relay.cut();
                a.send("a\n".getBytes(StandardCharsets.UTF_8));
                a.send("b\n".getBytes(StandardCharsets.UTF_8));
                readUntil(a, text, "got b\n");
            });
            assertEquals("ready\ngot a\ngot b\n", text.toString());
        }
    }

    @Test
    void theLastResizeIsSentAgainBeforeTheInputHeld() throws Exception {
        String id = daemon.run("argv", List.of("sh", "-c", "stty size; read x; stty size; exec sleep 60"), "pty", true);
        try (Attachment a = client.attach(id, AttachOptions.DEFAULT)) {
            StringBuilder text = new StringBuilder();
            assertTimeoutPreemptively(BOUND, () -> {
                readUntil(a, text, "\n");
                relay.cut();
                a.resize(25, 91);
                a.send("\r".getBytes(StandardCharsets.UTF_8));
                readUntil(a, text, "25 91");
            });
            assertEquals(2, relay.connections.get());
        }
    }

    @Test
    void aFollowedEventStreamGoesOnAfterItsConnectionIsCut() throws Exception {
        List<Long> seen = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        daemon.run("argv", List.of("true"));
        CompletableFuture<Void> follow = CompletableFuture.runAsync(() -> client.daemon().events(EventQuery.since(0), e -> {
            seen.add(e.seq());
            return e.seq() < last.get();
        }));
        for (int cut = 1; cut <= 2; cut++) {
            int size = seen.size();
            Cli.poll("events after cut " + cut, () -> seen.size() > size);
            relay.cut();
            daemon.run("argv", List.of("true"));
        }
        Cli.poll("the stream followed again", () -> relay.connections.get() >= 3);
        last.set(daemon.client.daemon().health().lastEventSeq());
        daemon.run("argv", List.of("true")); // wakes a follower that has every event up to last already
        follow.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertEquals(LongStream.rangeClosed(1, seen.getLast()).boxed().toList(), seen);
    }

    /** Reads output into {@code text} until it holds {@code end}; a second hello or a Closed fails. */
    private static void readUntil(Attachment a, StringBuilder text, String end) {
        while (!text.toString().contains(end)) {
            switch (a.next()) {
                case AttachEvent.Output o -> text.append(new String(o.bytes(), StandardCharsets.UTF_8));
                case AttachEvent.Control(AttachMessage.Hello h) -> assertEquals(0, text.length(), "a second hello");
                case AttachEvent.Closed c -> throw new AssertionError("closed: " + c + " after " + text);
                default -> { }
            }
        }
    }

    private static String numbers(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            b.append(i).append('\n');
        }
        return b.toString();
    }
}
