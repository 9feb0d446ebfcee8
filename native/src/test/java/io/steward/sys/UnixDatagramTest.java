package io.steward.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixDatagramTest {
    @TempDir
    Path dir;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(4097);
    private final ReceivedDatagram received = new ReceivedDatagram();

    @AfterEach
    void tearDown() {
        received.closeFds();
        arena.close();
    }

    private long send(UnixDatagram from, UnixAddress to, String text) {
        MemorySegment data = arena.allocateFrom(text);
        return from.send(to, data, data.byteSize() - 1);
    }

    private String payload() {
        byte[] bytes = buffer.asSlice(0, Math.min(received.length(), buffer.byteSize())).toArray(ValueLayout.JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Waits until the socket is readable, then receives. */
    private boolean await(UnixDatagram socket) {
        assertEquals(1, Libc.poll(socket.fd(), Libc.POLLIN, 10_000), "nothing arrived");
        return socket.receive(buffer, received);
    }

    @Test
    void theKernelAttestsTheSendersPidUidAndGid() throws Exception {
        Path path = dir.resolve("hb.sock");
        try (UnixDatagram rx = UnixDatagram.bind(path); UnixDatagram tx = UnixDatagram.unbound()) {
            UnixAddress to = UnixAddress.of(path);
            assertEquals(10, send(tx, to, "WATCHDOG=1"));
            assertTrue(rx.receive(buffer, received));
            assertEquals(10, received.length());
            assertEquals("WATCHDOG=1", payload());
            assertTrue(received.hasCredentials());
            assertEquals(ProcessHandle.current().pid(), received.pid());
            assertEquals(Libc.getuid(), received.uid());
            assertEquals(Files.getAttribute(Path.of("/proc/self"), "unix:gid"), received.gid());
            assertFalse(received.truncated());
            assertFalse(received.controlTruncated());
            assertEquals(0, received.fdCount());
        }
    }

    @Test
    void aChildProcessIsIdentifiedByItsOwnPid() throws Exception {
        Path path = dir.resolve("hb.sock");
        try (UnixDatagram rx = UnixDatagram.bind(path)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xshare:auto",
                    "-cp", System.getProperty("java.class.path"), DatagramSenderMain.class.getName(),
                    path.toString(), "READY=1")
                    .redirectErrorStream(true)
                    .start();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, child.exitValue(), output);
            assertTrue(await(rx));
            assertEquals("READY=1", payload());
            assertEquals(child.pid(), received.pid());
            assertNotEquals(ProcessHandle.current().pid(), received.pid());
        }
    }

    @Test
    void anOversizedDatagramReportsItsRealLengthAndTruncation() {
        Path path = dir.resolve("hb.sock");
        try (UnixDatagram rx = UnixDatagram.bind(path); UnixDatagram tx = UnixDatagram.unbound()) {
            MemorySegment big = arena.allocate(5000);
            big.fill((byte) 'x');
            assertEquals(5000, tx.send(UnixAddress.of(path), big, 5000));
            assertTrue(rx.receive(buffer, received));
            assertEquals(5000, received.length());
            assertTrue(received.truncated());
            assertTrue(received.hasCredentials());
            assertEquals(4097, payload().length());
        }
    }

    @Test
    void aControlBufferTooSmallForCredentialsReportsControlTruncation() {
        Path path = dir.resolve("hb.sock");
        try (UnixDatagram rx = UnixDatagram.bind(path, 16); UnixDatagram tx = UnixDatagram.unbound()) {
            send(tx, UnixAddress.of(path), "READY=1");
            assertTrue(rx.receive(buffer, received));
            assertEquals(7, received.length());
            assertTrue(received.controlTruncated());
            assertFalse(received.hasCredentials());
        }
    }

    @Test
    void passedFdsThatDoNotFitAreDroppedByTheKernel() {
        Path path = dir.resolve("hb.sock");
        int[] pipe = Libc.pipe2(Libc.O_CLOEXEC);
        try (UnixDatagram rx = UnixDatagram.bind(path, 32); UnixDatagram tx = UnixDatagram.unbound()) {
            List<String> before = openFds();
            assertEquals(9, tx.send(UnixAddress.of(path), arena.allocateFrom("BARRIER=1"), 9, pipe[1]));
            assertTrue(rx.receive(buffer, received));
            assertTrue(received.hasCredentials(), "32 bytes hold exactly the credentials");
            assertTrue(received.controlTruncated());
            assertEquals(0, received.fdCount());
            assertEquals(before, openFds());
        } finally {
            Libc.close(pipe[0]);
            Libc.close(pipe[1]);
        }
    }

    @Test
    void passedFdsArriveCloseOnExecAndAreClosedOnRequest() throws Exception {
        Path path = dir.resolve("hb.sock");
        int[] pipe = Libc.pipe2(Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        try (UnixDatagram rx = UnixDatagram.bind(path); UnixDatagram tx = UnixDatagram.unbound()) {
            UnixAddress to = UnixAddress.of(path);
            assertEquals(9, tx.send(to, arena.allocateFrom("BARRIER=1"), 9, pipe[1]));
            assertTrue(rx.receive(buffer, received));
            assertEquals("BARRIER=1", payload());
            assertEquals(1, received.fdCount());
            int fd = received.fd(0);
            assertNotEquals(pipe[1], fd);
            assertTrue(Files.exists(fdPath(fd), LinkOption.NOFOLLOW_LINKS));
            assertTrue(closeOnExec(fd), "a passed fd must not leak into children spawned meanwhile");
            received.closeFds();
            assertEquals(0, received.fdCount());
            assertFalse(Files.exists(fdPath(fd), LinkOption.NOFOLLOW_LINKS));
            // every copy of the write end is gone once ours is closed: the sender's barrier is released
            Libc.close(pipe[1]);
            pipe[1] = -1;
            assertEquals(0, Libc.read(pipe[0], buffer, 1));
        } finally {
            Libc.close(pipe[0]);
            Libc.close(pipe[1]);
        }
    }

    @Test
    void aTakenFdStaysOpenAndAnUnclaimedOneIsClosedByTheNextReceive() throws Exception {
        Path path = dir.resolve("hb.sock");
        int[] pipe = Libc.pipe2(Libc.O_CLOEXEC);
        try (UnixDatagram rx = UnixDatagram.bind(path); UnixDatagram tx = UnixDatagram.unbound()) {
            UnixAddress to = UnixAddress.of(path);
            tx.send(to, arena.allocateFrom("BARRIER=1"), 9, pipe[1]);
            tx.send(to, arena.allocateFrom("BARRIER=1"), 9, pipe[1]);
            assertTrue(rx.receive(buffer, received));
            int kept = received.takeFd(0);
            assertTrue(rx.receive(buffer, received));
            int unclaimed = received.fd(0);
            assertFalse(rx.receive(buffer, received));
            assertTrue(Files.exists(fdPath(kept), LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(fdPath(unclaimed), LinkOption.NOFOLLOW_LINKS));
            Libc.check("close", Libc.close(kept));
        } finally {
            Libc.close(pipe[0]);
            Libc.close(pipe[1]);
        }
    }

    @Test
    void anEmptyQueueIsNothingPendingNotAnError() {
        try (UnixDatagram rx = UnixDatagram.bind(dir.resolve("hb.sock"))) {
            assertFalse(rx.receive(buffer, received));
            assertEquals(0, received.length());
        }
    }

    @Test
    void theSocketFileIsMode0600AndAStaleOneIsReplaced() throws Exception {
        Path path = dir.resolve("hb.sock");
        UnixDatagram.bind(path).close();
        assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "a closed socket leaves its file");
        try (UnixDatagram rx = UnixDatagram.bind(path); UnixDatagram tx = UnixDatagram.unbound()) {
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)));
            assertEquals(7, send(tx, UnixAddress.of(path), "READY=1"));
            assertTrue(rx.receive(buffer, received));
        }
    }

    @Test
    void aFileThatIsNotASocketIsNeverRemoved() throws Exception {
        Path path = dir.resolve("hb.sock");
        Files.writeString(path, "keep");
        NativeException e = assertThrows(NativeException.class, () -> UnixDatagram.bind(path));
        assertEquals("bind(" + path + ")", e.call());
        assertEquals(Errno.EADDRINUSE, e.errno());
        assertEquals("keep", Files.readString(path));
    }

    @Test
    void sendingToNoReceiverReturnsTheErrno() {
        Path path = dir.resolve("hb.sock");
        try (UnixDatagram tx = UnixDatagram.unbound()) {
            assertEquals(-Errno.ENOENT, send(tx, UnixAddress.of(path), "READY=1"));
            UnixDatagram.bind(path).close();
            assertEquals(-Errno.ECONNREFUSED, send(tx, UnixAddress.of(path), "READY=1"));
        }
    }

    @Test
    void aPathTooLongForSunPathIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> UnixAddress.of(dir.resolve("x".repeat(120))));
    }

    @Test
    void theReceiveBufferCanBeEnlarged() {
        try (UnixDatagram rx = UnixDatagram.bind(dir.resolve("hb.sock"))) {
            int before = rx.receiveBuffer();
            assertTrue(rx.receiveBuffer(before * 2) >= before);
        }
    }

    /**
     * Until the JIT has compiled the loop, the interpreter and C1 allocate on their own account;
     * once C2 has, a receive allocates nothing. So rounds of 50,000 run until one allocates less
     * than a byte per datagram, for at most 20 rounds.
     */
    @Test
    void aSteadyReceiveLoopAllocatesNothing() {
        Path path = dir.resolve("hb.sock");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        try (UnixDatagram rx = UnixDatagram.bind(path); UnixDatagram tx = UnixDatagram.unbound()) {
            UnixAddress to = UnixAddress.of(path);
            MemorySegment data = arena.allocateFrom("WATCHDOG=1");
            int pid = (int) ProcessHandle.current().pid();
            long allocated = Long.MAX_VALUE;
            for (int round = 0; round < 20 && allocated >= 50_000; round++) {
                long before = threads.getThreadAllocatedBytes(thread);
                loop(rx, tx, to, data, 50_000, pid);
                allocated = threads.getThreadAllocatedBytes(thread) - before;
            }
            assertTrue(allocated < 50_000, allocated + " bytes allocated over 50,000 receives");
        }
    }

    private void loop(UnixDatagram rx, UnixDatagram tx, UnixAddress to, MemorySegment data, int n, int pid) {
        for (int i = 0; i < n; i++) {
            if (tx.send(to, data, 10) != 10 || !rx.receive(buffer, received) || received.pid() != pid
                    || received.length() != 10) {
                throw new AssertionError("datagram " + i + " went missing");
            }
        }
    }

    @Test
    void systemdNotifyIsUnderstoodIncludingItsBarrier() throws Exception {
        Path tool = Path.of("/usr/bin/systemd-notify");
        assumeTrue(Files.isExecutable(tool), "systemd-notify is not installed");
        Path path = dir.resolve("hb.sock");
        try (UnixDatagram rx = UnixDatagram.bind(path)) {
            ProcessBuilder pb = new ProcessBuilder(tool.toString(), "READY=1", "STATUS=up").redirectErrorStream(true);
            pb.environment().put("NOTIFY_SOCKET", path.toString());
            Process child = pb.start();
            assertTrue(await(rx));
            assertTrue(payload().contains("READY=1"), payload());
            assertEquals(0, received.fdCount());
            // systemd-notify since v246 follows up with BARRIER=1 and waits until its pipe is closed
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Libc.poll(rx.fd(), Libc.POLLIN, 50) == 0 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            if (!rx.receive(buffer, received)) {
                assertTrue(child.waitFor(10, TimeUnit.SECONDS), "systemd-notify neither exited nor sent more");
                assertEquals(0, child.exitValue(), new String(child.getInputStream().readAllBytes()));
                return;
            }
            assertEquals("BARRIER=1", payload());
            assertEquals(1, received.fdCount());
            received.closeFds();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS), "closing the barrier fd releases systemd-notify");
            assertEquals(0, child.exitValue(), new String(child.getInputStream().readAllBytes()));
        }
    }

    private static Path fdPath(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    private static boolean closeOnExec(int fd) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return (Integer.parseInt(line.substring(6).trim(), 8) & 02000000) != 0;
            }
        }
        throw new AssertionError("no flags for fd " + fd);
    }

    private static List<String> openFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
