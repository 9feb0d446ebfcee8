package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Event;
import io.steward.api.SessionEvent;
import io.steward.api.StewardHome;
import io.steward.client.StewardClient;
import io.steward.daemon.http.ApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon keeps its socket at its path: a deleted or replaced file is bound again, open connections stay. */
class SocketKeeperTest {
    @TempDir
    Path tmp;

    @Test
    void aDeletedOrReplacedSocketIsBoundAgainAndOpenConnectionsStay() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("home"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        StewardHome home = new StewardHome(dir, dir.resolve("steward.sock"));
        try (Daemon daemon = Daemon.open(home, Daemon.DEFAULT_QUOTA, Duration.ofMillis(100));
                ApiServer server = ApiServer.start(daemon)) {
            StewardClient client = new StewardClient(home);
            BlockingQueue<Event> seen = new LinkedBlockingQueue<>();
            Thread stream = Thread.ofVirtual().start(() -> {
                try {
                    client.daemon().events(0, seen::add);
                } catch (RuntimeException e) {
                    // the daemon closed the stream at the end of the test
                }
            });
            String before = DaemonFixture.runOn(client, "argv", List.of("true")).id();
            awaitStarted(seen, before);

            Files.delete(home.socket());
            DaemonFixture.poll("the socket bound again", () -> DaemonMain.answering(home.socket()));
            Files.delete(home.socket());
            Files.writeString(home.socket(), "not a socket");
            DaemonFixture.poll("the file replaced by the socket", () -> DaemonMain.answering(home.socket()));
            assertTrue(Files.getPosixFilePermissions(home.socket()).equals(PosixFilePermissions.fromString("rw-------")));

            String after = DaemonFixture.runOn(client, "argv", List.of("true")).id();
            awaitStarted(seen, after); // on the stream opened through the first socket
            stream.interrupt();
        }
        assertFalse(Files.exists(home.socket()), "the daemon takes its socket along");
        try (var names = Files.list(dir)) {
            assertTrue(names.noneMatch(p -> p.getFileName().toString().startsWith(".sock-")), "no temporary names left");
        }
    }

    private static void awaitStarted(BlockingQueue<Event> seen, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            Event e = seen.poll(100, TimeUnit.MILLISECONDS);
            if (e instanceof SessionEvent.Started s && id.equals(s.session())) {
                return;
            }
        }
        throw new AssertionError("no started event for " + id);
    }
}
