package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Event;
import io.steward.api.ObservedEvent;
import io.steward.client.EventQuery;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --observe file} (fanotify, as root) and {@code --observe network} (sock_diag), with real programs. */
class ObserveFilesAndNetworkTest extends DaemonFixture {
    @TempDir
    Path dir;

    private List<Event> events(String id, String category) {
        List<Event> out = new ArrayList<>();
        long last = client.daemon().health().lastEventSeq();
        client.sessions().events(id, new EventQuery(0, last, List.of(category)), out::add);
        return out;
    }

    private Optional<ObservedEvent.File> file(String id, String type, String path) {
        return events(id, "file").stream().filter(e -> e instanceof ObservedEvent.File f && f.type().equals(type)
                && f.path().equals(path)).map(e -> (ObservedEvent.File) e).findFirst();
    }

    @Test
    void writesMovesAndDeletesOfTheTreeAreEventsWithTheirPaths() throws Exception {
        Assumptions.assumeTrue(io.steward.sys.Libc.getuid() == 0, "fanotify needs CAP_SYS_ADMIN: run as root");
        String id = run("argv", List.of("sh", "-c", "echo hello > f1; mv f1 f2; rm f2; exec sleep 30"),
                "cwd", dir.toString(), "observe", List.of("file", "process")).id();
        String f1 = dir.resolve("f1").toString();
        String f2 = dir.resolve("f2").toString();
        poll("written, moved and deleted", () -> file(id, "written", f1).isPresent()
                && file(id, "moved", f1).isPresent() && file(id, "deleted", f2).isPresent());
        assertEquals(f2, file(id, "moved", f1).orElseThrow().toPath());
        long root = client.sessions().get(id).pid();
        assertEquals(root, file(id, "written", f1).orElseThrow().pid(), "the shell wrote it");
        assertTrue(file(id, "deleted", f2).orElseThrow().pid() != root, "rm, a child, deleted it");
        // Nothing of the host's leaks in: every file event is the root's or a forked member's.
        java.util.Set<Long> members = new java.util.HashSet<>(List.of(root));
        events(id, "process").stream().filter(e -> e instanceof ObservedEvent.Forked)
                .forEach(e -> members.add(((ObservedEvent.Forked) e).pid()));
        assertTrue(events(id, "file").stream().allMatch(e -> members.contains(((ObservedEvent.File) e).pid())),
                events(id, "file") + " against " + members);
        client.sessions().stop(id, Duration.ofSeconds(1), true);
    }

    @Test
    void anHttpServersPortAndTheFinalBytesOfADownloadAreEvents() throws Exception {
        byte[] five = new byte[5 << 20];
        Files.write(dir.resolve("five.bin"), five);
        String id = run("argv", List.of("python3", "-m", "http.server", "0", "--bind", "127.0.0.1"),
                "cwd", dir.toString(), "observe", List.of("network")).id();
        poll("listening", () -> events(id, "network").stream().anyMatch(e -> e.type().equals("listening")));
        ObservedEvent.Socket listening = (ObservedEvent.Socket) events(id, "network").stream()
                .filter(e -> e.type().equals("listening")).findFirst().orElseThrow();
        assertEquals("tcp", listening.protocol());
        int port = Integer.parseInt(listening.local().substring(listening.local().lastIndexOf(':') + 1));

        long read;
        try (InputStream in = URI.create("http://127.0.0.1:" + port + "/five.bin").toURL().openStream()) {
            read = in.readAllBytes().length;
        }
        long done = System.nanoTime();
        assertEquals(five.length, read);
        poll("the connection's closed event", () -> events(id, "network").stream().anyMatch(e -> e instanceof
                ObservedEvent.Socket s && s.type().equals("closed") && s.bytesOut() != null
                && s.bytesOut() >= five.length));
        long ms = (System.nanoTime() - done) / 1_000_000;
        assertTrue(ms <= 1000, "closed " + ms + " ms after the download");
        ObservedEvent.Socket closed = (ObservedEvent.Socket) events(id, "network").stream().filter(e -> e instanceof
                ObservedEvent.Socket s && s.type().equals("closed") && s.bytesOut() != null
                && s.bytesOut() >= five.length).findFirst().orElseThrow();
        assertTrue(closed.local().endsWith(":" + port), closed.toString());
        assertTrue(closed.bytesIn() > 0, "the request came in: " + closed.bytesIn());
        client.sessions().stop(id, Duration.ofSeconds(1), true);
    }
}
