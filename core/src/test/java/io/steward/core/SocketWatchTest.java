package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.sys.Libc;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SocketWatchTest {
    private static final int FIVE_MB = 5 * 1024 * 1024;

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();
    private final SocketWatch watch = new SocketWatch();

    @AfterEach
    void cleanUp() throws Exception {
        watch.close();
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process start(String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        children.add(p);
        return p;
    }

    private static List<SocketWatch.Opened> refreshUntil(SocketWatch w, Predicate<SocketWatch.Opened> match,
            List<SocketWatch.Opened> seen) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (seen.stream().noneMatch(match)) {
            assertTrue(System.nanoTime() < deadline, "no such socket within 10 s; saw " + seen);
            seen.addAll(w.refresh());
            if (seen.stream().noneMatch(match)) {
                Thread.onSpinWait();
            }
        }
        return seen;
    }

    /** Drains until a closed socket matches, waiting on the listener's descriptor. */
    private static SocketWatch.Closed closedWithin(SocketWatch w, Predicate<SocketWatch.Closed> match, long millis,
            List<SocketWatch.Closed> seen) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            Optional<SocketWatch.Closed> hit = seen.stream().filter(match).findFirst();
            if (hit.isPresent()) {
                return hit.get();
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("not closed within " + millis + " ms; saw " + seen);
            }
            Libc.poll(w.fd(), Libc.POLLIN, (int) Math.max(1, left));
            w.drain(seen::add);
        }
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::"})
    void aDownloadFromAWatchedHttpServerClosesWithItsByteCountsByItsListenersPort(String bind) throws Exception {
        // "::" is a dual-stack wildcard listener: the IPv4 connection is accepted as ::ffff:127.0.0.1.
        Files.write(dir.resolve("five"), new byte[FIVE_MB]);
        Process server = start("python3", "-m", "http.server", "0", "--bind", bind);
        watch.watch("web", () -> Set.of((int) server.pid()));
        List<SocketWatch.Opened> opened = refreshUntil(watch,
                o -> o.kind() == SocketWatch.Kind.LISTENING && o.socket().protocol().equals("tcp"), new ArrayList<>());
        SocketWatch.Opened l = opened.getFirst();
        assertEquals("web", l.key());
        assertEquals((int) server.pid(), l.pid());
        int port = port(l.socket().local());

        Process get = start("python3", "-c", "import urllib.request,sys; d=urllib.request.urlopen("
                + "'http://127.0.0.1:" + port + "/five').read(); sys.exit(0 if len(d) == " + FIVE_MB + " else 3)");
        assertTrue(get.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, get.exitValue(), "the client got the whole file");
        long fetched = System.nanoTime();
        // No refresh ran during the download: the connection is known only through its listener.
        SocketWatch.Closed c = closedWithin(watch, k -> k.socket().local().endsWith(":" + port), 1000,
                new ArrayList<>());
        long millis = (System.nanoTime() - fetched) / 1_000_000;
        assertEquals("web", c.key());
        assertEquals(SocketWatch.Attribution.LISTENER, c.by());
        assertEquals((int) server.pid(), c.pid());
        assertTrue(c.bytesSent() > FIVE_MB && c.bytesSent() < FIVE_MB + 1024, "headers and 5 MB: " + c.bytesSent());
        assertTrue(c.bytesReceived() > 0 && c.bytesReceived() < 1024, "a GET request: " + c.bytesReceived());
        assertTrue(millis < 1000, "closed event " + millis + " ms after the download");
        assertEquals(0, watch.losses());
    }

    @Test
    void aConnectionSeenByARefreshClosesByItsCookieAndOtherSocketsAreNotAttributed() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 1, lo)) {
            Process client = new ProcessBuilder("python3", "-c", "import socket,sys\n"
                    + "s=socket.create_connection(('127.0.0.1'," + server.getLocalPort() + "))\n"
                    + "s.sendall(b'x'*1000000)\nsys.stdin.read()\ns.close()")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            children.add(client);
            try (Socket accepted = server.accept()) {
                watch.watch("client", () -> Set.of((int) client.pid()));
                List<SocketWatch.Opened> seen = refreshUntil(watch, o -> o.kind() == SocketWatch.Kind.CONNECTED,
                        new ArrayList<>());
                SocketWatch.Opened c = seen.stream().filter(o -> o.kind() == SocketWatch.Kind.CONNECTED).findFirst()
                        .orElseThrow();
                assertEquals("127.0.0.1:" + server.getLocalPort(), c.socket().remote());
                assertTrue(watch.refresh().isEmpty(), "a socket is announced once");
                InputStream in = accepted.getInputStream();
                assertEquals(1_000_000, in.readNBytes(1_000_000).length);
                client.getOutputStream().close();
                assertEquals(-1, in.read(), "the client closed");
            }
            List<SocketWatch.Closed> closed = new ArrayList<>();
            SocketWatch.Closed gone = closedWithin(watch, k -> k.key().equals("client"), 1000, closed);
            assertEquals(SocketWatch.Attribution.COOKIE, gone.by());
            assertEquals((int) client.pid(), gone.pid());
            assertEquals(1_000_002L, gone.bytesSent(), "a million bytes, the SYN and the FIN");
            assertTrue(gone.socket().inode() > 0, "the inode it had while it lived");
            assertTrue(client.waitFor(10, TimeUnit.SECONDS));
            // The test's own accepted end closed too, but is nobody's here.
            watch.refresh();
            watch.drain(closed::add);
            assertEquals(1, closed.size(), closed.toString());
            assertEquals(0, watch.losses());
        }
    }

    @Test
    void theDestroyListenerIsHeldOnlyWhileSomethingIsWatched() {
        assertEquals(-1, watch.fd());
        watch.watch("a", Set::of);
        watch.watch("b", Set::of);
        int fd = watch.fd();
        assertTrue(fd >= 0);
        watch.unwatch("a");
        assertEquals(fd, watch.fd());
        watch.unwatch("b");
        assertEquals(-1, watch.fd());
        assertTrue(watch.refresh().isEmpty());
    }
}
