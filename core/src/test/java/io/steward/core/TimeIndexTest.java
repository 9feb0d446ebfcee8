package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Arrival;
import io.steward.api.Overflow;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimeIndexTest {
    @Test
    void aByteTakesTheTimeOfTheLastEntryAtOrBeforeIt() {
        TimeIndex index = new TimeIndex(1 << 20);
        index.appended(0, 1000, 0);
        index.appended(10, 1000, 0); // the same millisecond: covered by the entry before
        index.appended(25, 1003, 0);
        index.appended(40, 1007, 0);
        assertEquals(3, index.entries());
        assertEquals(List.of(new Arrival(5, 1000), new Arrival(25, 1003)), index.between(5, 40));
        assertEquals(List.of(new Arrival(30, 1003), new Arrival(40, 1007)), index.between(30, 41));
        assertEquals(List.of(new Arrival(99, 1007)), index.between(99, 120));
        assertEquals(1007, Arrival.at(index.between(0, 100), 41));
        assertEquals(1000, Arrival.at(index.between(0, 100), 24));
    }

    @Test
    void entriesGoWithTheBytesTheyCover() {
        TimeIndex index = new TimeIndex(1 << 20);
        for (int i = 0; i < 10; i++) {
            index.appended(i * 100L, 1000 + i, 0);
        }
        // The ring dropped everything before 450: the entry at 400 still covers 450..499.
        index.appended(1000, 2000, 450);
        assertEquals(List.of(new Arrival(450, 1004), new Arrival(500, 1005)), index.between(450, 501));
        assertEquals(7, index.entries()); // 400..900 and 1000
        assertEquals(List.of(), new TimeIndex(4096).between(0, 10), "no entry: no time");
    }

    @Test
    void memoryIsBoundedWhateverIsWritten() {
        TimeIndex index = new TimeIndex(4096);
        assertEquals(TimeIndex.MIN_ENTRIES, index.maxEntries());
        for (int i = 0; i < 100_000; i++) {
            index.appended(i, i, 0); // the ring never drops: only the bound limits the index
        }
        assertEquals(TimeIndex.MIN_ENTRIES, index.entries());
        assertTrue(index.allocatedBytes() <= 16L * TimeIndex.MIN_ENTRIES, index.allocatedBytes() + " bytes");
        // The oldest went first; bytes before the oldest kept have no time.
        assertEquals(List.of(), index.between(0, 100_000 - TimeIndex.MIN_ENTRIES));
        assertEquals(99_999, Arrival.at(index.between(99_990, 100_000), 99_999));
        assertEquals((1 << 20) / TimeIndex.BYTES_PER_ENTRY, new TimeIndex(1 << 20).maxEntries());
    }

    @Test
    void aRingStampsWhatItIsGivenWithTheWallClock() throws Exception {
        Ring ring = new Ring(4096, Overflow.DROP_OLDEST);
        long before = System.currentTimeMillis();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(1000);
            ring.append(seg, 0, 1000);
            long mid = System.currentTimeMillis();
            while (System.currentTimeMillis() == mid) {
                Thread.onSpinWait(); // the next append must fall in a later millisecond
            }
            for (int i = 0; i < 9; i++) {
                ring.append(seg, 0, 1000); // 10,000 bytes through a 4 KiB ring
            }
        }
        long after = System.currentTimeMillis();
        List<Arrival> kept = ring.arrivals(ring.start(), ring.end());
        assertEquals(ring.start(), kept.getFirst().offset(), "the oldest byte kept has a time");
        assertTrue(kept.stream().allMatch(t -> t.offset() >= ring.start() && t.epochMillis() >= before
                && t.epochMillis() <= after), kept.toString());
        assertTrue(ring.timeIndex().entries() <= 5, "entries for dropped bytes are gone: " + ring.timeIndex().entries());
        for (int i = 1; i < kept.size(); i++) {
            assertTrue(kept.get(i).epochMillis() > kept.get(i - 1).epochMillis());
        }
    }
}
