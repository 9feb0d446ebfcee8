package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Overflow;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RingTest {
    private static void append(Ring ring, byte[] data) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, seg, ValueLayout.JAVA_BYTE, 0, data.length);
            ring.append(seg, 0, data.length);
        }
    }

    private static byte[] seq(int from, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    @Test
    void capacityBoundsAreEnforced() {
        assertThrows(IllegalArgumentException.class, () -> new Ring(Ring.MIN_CAPACITY - 1, Overflow.DROP_OLDEST));
        assertThrows(IllegalArgumentException.class, () -> new Ring(Ring.MAX_CAPACITY + 1, Overflow.DROP_OLDEST));
    }

    @Test
    void memoryIsAllocatedAsDataArrives() {
        Ring ring = new Ring(Ring.MAX_CAPACITY, Overflow.DROP_OLDEST);
        assertEquals(0, ring.allocatedBytes());
        append(ring, seq(0, 100));
        assertEquals(64 * 1024, ring.allocatedBytes());
    }

    @Test
    void readsDoNotConsumeAndOffsetsAreAbsolute() {
        Ring ring = new Ring(4096, Overflow.DROP_OLDEST);
        append(ring, seq(0, 1000));
        Ring.Chunk a = ring.read(0, 10_000);
        Ring.Chunk b = ring.read(0, 10_000);
        assertArrayEquals(a.data(), b.data());
        assertEquals(1000, a.next());
        Ring.Chunk tail = ring.read(990, 100);
        assertArrayEquals(seq(990, 10), tail.data());
        assertEquals(0, tail.skipped());
    }

    @Test
    void dropOldestCountsEveryDroppedByteAndSkipsStaleCursors() {
        Ring ring = new Ring(4096, Overflow.DROP_OLDEST);
        for (int i = 0; i < 10; i++) {
            append(ring, seq(i * 1000, 1000));
        }
        assertEquals(10_000, ring.end());
        assertEquals(4096, ring.buffered());
        assertEquals(10_000 - 4096, ring.dropped());
        assertEquals(ring.end(), ring.buffered() + ring.dropped());
        Ring.Chunk c = ring.read(0, 10_000);
        assertEquals(10_000 - 4096, c.skipped());
        assertEquals(10_000 - 4096, c.offset());
        assertArrayEquals(seq(10_000 - 4096, 4096), c.data());
    }

    @Test
    void writesLargerThanCapacityKeepTheTail() {
        Ring ring = new Ring(4096, Overflow.DROP_OLDEST);
        append(ring, seq(0, 100));
        append(ring, seq(100, 10_000));
        assertEquals(10_100, ring.end());
        assertEquals(10_100 - 4096, ring.dropped());
        assertArrayEquals(seq(10_100 - 4096, 4096), ring.read(0, 5000).data());
    }

    @Test
    void backpressureNeverOverwritesAndReleaseMakesRoom() {
        Ring ring = new Ring(4096, Overflow.BACKPRESSURE);
        append(ring, seq(0, 4096));
        assertEquals(0, ring.writable());
        ring.release(1000);
        assertEquals(1000, ring.writable());
        assertEquals(0, ring.dropped());
        assertEquals(1000, ring.start());
    }

    @Test
    void readerStreamsAcrossWrapAndSeesEndOfStream() throws Exception {
        Ring ring = new Ring(4096, Overflow.BACKPRESSURE);
        Ring.Consumer r = ring.consumer(0);
        byte[] buf = new byte[3000];
        int total = 0;
        for (int round = 0; round < 5; round++) {
            append(ring, seq(round * 3000, 3000));
            int n = r.read(buf, 0, buf.length, 0);
            assertArrayEquals(seq(round * 3000, 3000), java.util.Arrays.copyOf(buf, n));
            total += n;
            r.release();
        }
        assertEquals(15_000, total);
        assertEquals(0, r.read(buf, 0, buf.length, 10));
        ring.close();
        assertEquals(-1, r.read(buf, 0, buf.length, 10));
    }

    @Test
    void awaitWakesOnAppend() throws Exception {
        Ring ring = new Ring(4096, Overflow.DROP_OLDEST);
        Thread writer = Thread.ofPlatform().start(() -> {
            Poll.until("reader waiting", () -> true);
            append(ring, seq(0, 1));
        });
        assertTrue(ring.await(0, 10, TimeUnit.SECONDS));
        writer.join();
        assertEquals(1, ring.end());
    }

    @Test
    void oneAppendWakesEveryParkedReaderAndAnInterruptEndsAWait() throws Exception {
        Ring ring = new Ring(4096, Overflow.BACKPRESSURE);
        java.util.List<Thread> readers = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger woken = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < 6; i++) {
            Runnable wait = () -> {
                try {
                    if (ring.awaitBytes(0, 30, TimeUnit.SECONDS)) {
                        woken.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            // Platform and virtual threads alike: an attach pump is virtual, exec's forwarders are not.
            readers.add(i % 2 == 0 ? Thread.ofPlatform().start(wait) : Thread.ofVirtual().start(wait));
        }
        Poll.until("every reader parked", () -> readers.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING));
        append(ring, seq(0, 1));
        for (Thread t : readers) {
            t.join(10_000);
        }
        assertEquals(6, woken.get(), "one append woke them all");

        assertEquals(false, ring.awaitBytes(1, 20, TimeUnit.MILLISECONDS), "no byte after 1: the wait times out");
        java.util.concurrent.atomic.AtomicReference<Throwable> ended = new java.util.concurrent.atomic.AtomicReference<>();
        Thread parked = Thread.ofVirtual().start(() -> {
            try {
                ring.awaitBytes(1, 30, TimeUnit.SECONDS);
            } catch (Throwable e) {
                ended.set(e);
            }
        });
        Poll.until("the reader parked", () -> parked.getState() == Thread.State.TIMED_WAITING);
        parked.interrupt();
        parked.join(10_000);
        assertTrue(ended.get() instanceof InterruptedException, String.valueOf(ended.get()));
    }

    @Test
    void listenersRunOnTheWritersThreadAfterEachAppendAndAtTheClose() {
        Ring ring = new Ring(4096, Overflow.DROP_OLDEST);
        java.util.List<String> heard = new java.util.ArrayList<>();
        Runnable listener = () -> heard.add(Thread.currentThread().getName() + " end=" + ring.end() + " closed=" + ring.closed());
        ring.listen(listener);
        append(ring, seq(0, 3));
        append(ring, seq(3, 2));
        ring.close();
        ring.unlisten(listener);
        ring.reopen();
        append(ring, seq(5, 1));
        String me = Thread.currentThread().getName();
        assertEquals(java.util.List.of(me + " end=3 closed=false", me + " end=5 closed=false", me + " end=5 closed=true"), heard,
                "each append is visible to its listener; none after unlisten");
    }
}
