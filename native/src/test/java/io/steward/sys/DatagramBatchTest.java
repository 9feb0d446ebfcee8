package io.steward.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatagramBatchTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void oneCallTakesEveryQueuedDatagramWithItsSenderAndLength() {
        try (UnixDatagram rx = UnixDatagram.bind(dir.resolve("s")); UnixDatagram tx = UnixDatagram.unbound();
                DatagramBatch batch = new DatagramBatch(16, 64, UnixDatagram.DEFAULT_CONTROL_SIZE);
                Arena arena = Arena.ofConfined()) {
            UnixAddress to = UnixAddress.of(rx.path());
            MemorySegment data = arena.allocate(100);
            int sent = 0;
            for (int i = 0; i < 5; i++) {
                data.set(ValueLayout.JAVA_BYTE, 0, (byte) i);
                assertEquals(i == 4 ? 100 : 32, tx.send(to, data, i == 4 ? 100 : 32));
                sent++;
            }
            assertEquals(sent, batch.receive(rx));
            for (int i = 0; i < sent; i++) {
                ReceivedDatagram r = batch.datagram(i);
                assertTrue(r.hasCredentials());
                assertEquals(SELF, r.pid());
                assertEquals(i, batch.payload(i).get(ValueLayout.JAVA_BYTE, 0), "in order");
                assertEquals(i == 4 ? 100 : 32, r.length());
                assertEquals(i == 4, r.truncated(), "only the 100-byte one is cut at 64");
            }
            assertEquals(0, batch.receive(rx), "nothing left: EAGAIN");
        }
    }

    @Test
    void passedFdsAreClosedAtTheNextReceive() throws Exception {
        int[] pipe = Libc.pipe2(Libc.O_CLOEXEC);
        try (UnixDatagram rx = UnixDatagram.bind(dir.resolve("s")); UnixDatagram tx = UnixDatagram.unbound();
                DatagramBatch batch = new DatagramBatch(4, 64, UnixDatagram.DEFAULT_CONTROL_SIZE);
                Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom("BARRIER=1");
            assertEquals(9, tx.send(UnixAddress.of(rx.path()), data, 9, pipe[1]));
            assertEquals(1, batch.receive(rx));
            int fd = batch.datagram(0).fd(0);
            assertTrue(Files.exists(Path.of("/proc/self/fd/" + fd)));
            assertEquals(0, batch.receive(rx));
            assertFalse(Files.exists(Path.of("/proc/self/fd/" + fd)), "closed once the batch moved on");
        } finally {
            Libc.close(pipe[0]);
            Libc.close(pipe[1]);
        }
    }

    @Test
    void receivingAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (UnixDatagram rx = UnixDatagram.bind(dir.resolve("s")); UnixDatagram tx = UnixDatagram.unbound();
                DatagramBatch batch = new DatagramBatch(16, 64, UnixDatagram.DEFAULT_CONTROL_SIZE);
                Arena arena = Arena.ofConfined()) {
            UnixAddress to = UnixAddress.of(rx.path());
            MemorySegment data = arena.allocate(32);
            long best = Long.MAX_VALUE;
            for (int round = 0; round < 10 && best > 0; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                long got = 0;
                for (int i = 0; i < 20_000; i++) {
                    for (int k = 0; k < 8; k++) {
                        tx.send(to, data, 32);
                    }
                    got += batch.receive(rx);
                    batch.receive(rx);
                }
                best = Math.min(best, threads.getCurrentThreadAllocatedBytes() - before);
                assertEquals(160_000, got);
            }
            assertEquals(0, best, "bytes allocated by 20,000 batches of 8 datagrams, best round");
        }
    }
}
