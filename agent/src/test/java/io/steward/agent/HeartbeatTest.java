package io.steward.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.heartbeat.Frame;
import io.steward.sys.Errno;
import io.steward.sys.Libc;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeartbeatTest {
    private static final int OUR_PID = (int) ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private Path socket() {
        return dir.resolve("beats.sock");
    }

    @Test
    void beatsCarryOurPidWhichTheKernelAttestsAndIncreasingNonces() {
        try (BeatReceiver rx = new BeatReceiver(socket()); Heartbeat hb = Heartbeat.open(socket())) {
            assertTrue(hb.beat());
            assertTrue(hb.beat(Frame.Status.DEGRADED));
            assertTrue(hb.beat(Frame.Status.CRITICAL, 0xCAFEBABE));
            Frame.Status[] statuses = {Frame.Status.OK, Frame.Status.DEGRADED, Frame.Status.CRITICAL};
            int[] payloads = {0, 0, 0xCAFEBABE};
            long lastTimestamp = 0;
            for (int i = 0; i < 3; i++) {
                assertTrue(rx.await(10_000), "beat " + (i + 1) + " did not arrive");
                assertTrue(rx.valid, "rejected: " + rx.frame.error());
                assertTrue(rx.received.hasCredentials());
                assertEquals(rx.received.pid(), rx.frame.pid(), "frame pid = the kernel's");
                assertEquals(OUR_PID, rx.frame.pid());
                assertEquals(i + 1, rx.frame.nonce());
                assertEquals(statuses[i], rx.frame.status());
                assertEquals(payloads[i], rx.frame.payload());
                assertTrue(rx.frame.timestamp() >= lastTimestamp, "timestamps are monotonic");
                lastTimestamp = rx.frame.timestamp();
            }
            assertEquals(3, hb.sent());
            assertEquals(0, hb.dropped());
            assertEquals(0, hb.lastDropErrno());
            assertEquals(OUR_PID, hb.pid());
            assertEquals(socket(), hb.socketPath());
        }
    }

    @Test
    void panicSendsTheTerminalNonceWithStatusCritical() {
        try (BeatReceiver rx = new BeatReceiver(socket()); Heartbeat hb = Heartbeat.open(socket())) {
            assertTrue(hb.beat());
            assertTrue(hb.panic());
            hb.close();
            assertTrue(rx.await(10_000));
            assertTrue(rx.await(10_000));
            assertTrue(rx.valid, "rejected: " + rx.frame.error());
            assertEquals(Frame.TERMINAL_NONCE, rx.frame.nonce());
            assertEquals(Frame.Status.CRITICAL, rx.frame.status());
            assertEquals(OUR_PID, rx.frame.pid());
            assertFalse(hb.beat(), "nothing is sent after the terminal frame");
            assertFalse(hb.panic());
            assertFalse(rx.poll(), "nothing arrived after the terminal frame");
        }
    }

    @Test
    void aMissingOrDeadDaemonIsACountedDropNotAnError() {
        try (Heartbeat hb = Heartbeat.open(socket())) {
            assertFalse(hb.beat(), "no socket at the path");
            assertEquals(1, hb.dropped());
            assertEquals(Errno.ENOENT, hb.lastDropErrno());

            new BeatReceiver(socket()).close(); // a daemon that went away leaves its socket file
            assertFalse(hb.beat());
            assertEquals(2, hb.dropped());
            assertEquals(Errno.ECONNREFUSED, hb.lastDropErrno());

            try (BeatReceiver rx = new BeatReceiver(socket())) { // and one that comes back
                assertTrue(hb.beat());
                assertTrue(rx.await(10_000));
                assertTrue(rx.valid);
                assertEquals(3, rx.frame.nonce(), "dropped beats used up their nonces");
                assertEquals(1, hb.sent());
                assertEquals(2, hb.dropped());
            }
        }
    }

    @Test
    void aFullQueueDropsWithoutThrowingOrBlocking() {
        try (BeatReceiver rx = new BeatReceiver(socket()); Heartbeat hb = Heartbeat.open(socket())) {
            int n = 200;
            int ok = 0;
            for (int i = 0; i < n; i++) {
                ok += hb.beat() ? 1 : 0;
            }
            assertTrue(ok > 0 && ok < n, ok + " of " + n + " sent: the kernel queues only about 11");
            assertEquals(ok, hb.sent());
            assertEquals(n - ok, hb.dropped());
            assertEquals(Errno.EAGAIN, hb.lastDropErrno());
            int received = 0;
            long last = 0;
            while (rx.poll()) {
                assertTrue(rx.valid);
                assertTrue(rx.frame.nonce() > last, "nonces increase");
                last = rx.frame.nonce();
                received++;
            }
            assertEquals(ok, received);
        }
    }

    @Test
    void periodicBeatsArriveWithTheSetStatusAndCloseSignsOff() throws Exception {
        Heartbeat hb = Heartbeat.open(socket());
        try (BeatReceiver rx = new BeatReceiver(socket())) {
            hb.startPeriodic(Duration.ofMillis(5));
            assertThrows(IllegalStateException.class, () -> hb.startPeriodic(Duration.ofMillis(5)));
            long last = 0;
            for (int i = 0; i < 5; i++) {
                assertTrue(rx.await(10_000), "periodic beat " + (i + 1) + " did not arrive");
                assertTrue(rx.valid);
                assertEquals(Frame.Status.OK, rx.frame.status());
                assertTrue(rx.frame.nonce() > last);
                last = rx.frame.nonce();
            }
            hb.status(Frame.Status.DEGRADED, 42);
            boolean degraded = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!degraded && System.nanoTime() < deadline) {
                assertTrue(rx.await(10_000));
                degraded = rx.valid && rx.frame.status() == Frame.Status.DEGRADED && rx.frame.payload() == 42;
            }
            assertTrue(degraded, "no beat carried the new status");

            hb.close();
            assertTrue(threadsNamed("steward-heartbeat").isEmpty(), "the periodic thread ended");
            // the beats queued before close, all valid: close sends no frame of its own (VLP has no
            // sign-off; the terminal nonce is for a panic only)
            while (rx.poll()) {
                assertTrue(rx.valid, "rejected: " + rx.frame.error());
                assertTrue(rx.frame.nonce() != Frame.TERMINAL_NONCE);
            }
            long sent = hb.sent();
            assertFalse(hb.beat(), "closed");
            assertEquals(sent, hb.sent());
            hb.close(); // idempotent
        } finally {
            hb.close();
        }
    }

    @Test
    void stopPeriodicEndsTheThreadAndBeatsCanGoOn() throws Exception {
        try (BeatReceiver rx = new BeatReceiver(socket()); Heartbeat hb = Heartbeat.open(socket())) {
            hb.startPeriodic(Duration.ofHours(1)); // the first beat goes at once
            assertTrue(rx.await(10_000));
            hb.stopPeriodic();
            assertTrue(threadsNamed("steward-heartbeat").isEmpty());
            assertFalse(rx.poll());
            assertTrue(hb.beat());
            assertTrue(rx.await(10_000));
            assertEquals(2, rx.frame.nonce());
        }
    }

    @Test
    void beatsFromManyThreadsReachTheSocketInNonceOrder() {
        int threads = 4;
        int each = 5_000;
        try (BeatReceiver rx = new BeatReceiver(socket()); Heartbeat hb = Heartbeat.open(socket())) {
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                senders.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < each; i++) {
                        hb.beat();
                    }
                }));
            }
            long received = 0;
            long last = 0;
            boolean inOrder = true;
            while (true) {
                boolean running = senders.stream().anyMatch(Thread::isAlive);
                while (rx.poll()) { // every send before a sender ended is queued by now
                    inOrder &= rx.valid && rx.frame.nonce() > last;
                    last = rx.frame.nonce();
                    received++;
                }
                if (!running) {
                    break;
                }
                Libc.poll(rx.socket.fd(), Libc.POLLIN, 10);
            }
            assertTrue(inOrder, "nonces arrived out of order, or a frame was rejected");
            assertEquals((long) threads * each, hb.sent() + hb.dropped());
            assertEquals(hb.sent(), received);
            assertTrue(hb.beat());
            assertTrue(rx.await(10_000));
            assertEquals((long) threads * each + 1, rx.frame.nonce(), "one nonce per beat attempted");
        }
    }

    @Test
    void aChildProgramFindsTheSocketInItsEnvironment() throws Exception {
        try (BeatReceiver rx = new BeatReceiver(socket())) {
            Process child = child(socket().toString());
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
            assertEquals(0, child.exitValue(), output);
            for (long nonce : new long[] {1, 2}) {
                assertTrue(rx.await(10_000));
                assertEquals(child.pid(), rx.received.pid(), "the kernel names the child");
                ByteBuffer wire = ByteBuffer.wrap(rx.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(child.pid(), wire.getInt(4), "and so does the frame");
                assertEquals(nonce, wire.getLong(16));
            }
            assertFalse(rx.poll());
        }
        Process without = child(null);
        assertTrue(without.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, without.exitValue(), "fromEnvironment() is empty without " + Heartbeat.SOCKET_ENV);
    }

    private static Process child(String socket) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), HeartbeatChildMain.class.getName())
                .redirectErrorStream(true);
        pb.environment().remove(Heartbeat.SOCKET_ENV);
        if (socket != null) {
            pb.environment().put(Heartbeat.SOCKET_ENV, socket);
        }
        return pb.start();
    }

    @Test
    void beatingAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (BeatReceiver rx = new BeatReceiver(socket()); Heartbeat hb = Heartbeat.open(socket())) {
            long mismatches = 0;
            long allocated = Long.MAX_VALUE;
            threads.getCurrentThreadAllocatedBytes();
            mismatches += beatAndDrain(hb, rx, 20_000); // warm-up, so the JIT settles
            // a round that still runs partly interpreted may allocate; steady state must not
            for (int round = 0; round < 10 && allocated >= 64 * 1024; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                mismatches += beatAndDrain(hb, rx, 100_000);
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
            }
            assertTrue(allocated < 64 * 1024, allocated + " bytes allocated over 100,000 beats");
            assertEquals(0, mismatches, "frames whose pid was not the kernel's, or rejected");
            assertTrue(hb.sent() > 100_000, "sent " + hb.sent() + ", dropped " + hb.dropped());
        }
    }

    /** n beats, the receiver draining every 8 (the kernel queues about 11); returns bad frames seen. */
    private static long beatAndDrain(Heartbeat hb, BeatReceiver rx, int n) {
        long bad = 0;
        for (int i = 0; i < n; i++) {
            hb.beat();
            if ((i & 7) == 7) {
                while (rx.poll()) {
                    bad += rx.valid && rx.frame.pid() == rx.received.pid() ? 0 : 1;
                }
            }
        }
        return bad;
    }

    @Test
    void droppedBeatsAllocateNothingEither() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (BeatReceiver rx = new BeatReceiver(socket());
                Heartbeat full = Heartbeat.open(socket());
                Heartbeat missing = Heartbeat.open(dir.resolve("nobody.sock"))) {
            long allocated = Long.MAX_VALUE;
            threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++) { // warm-up
                full.beat();
                missing.beat();
            }
            for (int round = 0; round < 10 && allocated >= 64 * 1024; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100_000; i++) {
                    full.beat(); // the receiver never reads: EAGAIN
                    missing.beat(); // ENOENT
                }
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
            }
            assertTrue(allocated < 64 * 1024, allocated + " bytes allocated over 200,000 dropped beats");
            assertEquals(Errno.EAGAIN, full.lastDropErrno());
            assertEquals(Errno.ENOENT, missing.lastDropErrno());
            assertEquals(0, missing.sent());
            assertTrue(full.dropped() >= 100_000);
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Heartbeat.open(Path.of("/" + "x".repeat(200))));
        try (Heartbeat hb = Heartbeat.open(socket())) {
            assertThrows(IllegalArgumentException.class, () -> hb.startPeriodic(Duration.ZERO));
            assertThrows(NullPointerException.class, () -> hb.beat(null));
            hb.close();
            assertThrows(IllegalStateException.class, () -> hb.startPeriodic(Duration.ofSeconds(1)));
            assertFalse(hb.beat());
        }
    }

    private static List<Thread> threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).toList();
    }
}
