package io.steward.core;

import io.steward.api.Arrival;
import java.util.ArrayList;
import java.util.List;

/**
 * When a ring's bytes arrived: a sparse, bounded ring of (offset, epoch millis) entries, one per
 * append whose millisecond differs from the last entry's, so a byte's time is that of the last entry
 * at or before it, exact to the millisecond. An entry covers the bytes up to the next one; it goes
 * once the ring has dropped all it covers, and past {@link #maxEntries} the oldest goes first (older
 * bytes then have no time). Memory grows with use, up to 16 bytes per entry. An append in the
 * millisecond of the last entry costs a clock read and a comparison, no lock; entries whose bytes
 * the ring dropped go when the next entry comes.
 */
public final class TimeIndex {
    /** Entries per byte of ring capacity at most: an index costs at most an eighth of its ring. */
    static final int BYTES_PER_ENTRY = 128;
    static final int MIN_ENTRIES = 64;
    /** How long the monotonic clock counts from one reading of the wall clock. */
    static final long ANCHOR_NANOS = 1_000_000_000L;

    private final int maxEntries;
    private long[] offsets = new long[16];
    private long[] millis = new long[16];
    private int head;
    private int count;
    /** The newest entry's time, read by the writer alone: an append in the same millisecond takes no lock. */
    private long lastMillis = Long.MIN_VALUE;
    /**
     * The wall clock (epoch nanoseconds) at a monotonic reading, shared by every ring of this JVM,
     * so the times of two streams or two sessions compare as their arrivals do.
     */
    private record Anchor(long epochNanos, long nanos) {
        /** Both clocks read back to back: a pair with the thread descheduled between them would be off. */
        static Anchor now() {
            Anchor a = null;
            for (int i = 0; i < 3 && a == null; i++) {
                long before = System.nanoTime();
                java.time.Instant now = java.time.Instant.now(); // microseconds on Linux: no millisecond lost to rounding
                long after = System.nanoTime();
                if (after - before < CLOSE_NANOS || i == 2) {
                    a = new Anchor(now.getEpochSecond() * 1_000_000_000L + now.getNano(), before + (after - before) / 2);
                }
            }
            return a;
        }
    }

    /** How close together the two readings of an anchor must be. */
    private static final long CLOSE_NANOS = 100_000;
    private static volatile Anchor anchor = Anchor.now();

    TimeIndex(int ringCapacity) {
        this.maxEntries = Math.max(MIN_ENTRIES, ringCapacity / BYTES_PER_ENTRY);
    }

    /**
     * The wall-clock millisecond of {@code nanos} (of {@link System#nanoTime}, read by the writer for
     * each append anyway): reading the wall clock too would double an append's clock cost, so it is
     * read once a second and the monotonic clock counts from there. Never before the last entry, so a
     * stream's times never go back. Writer thread only.
     */
    long millisAt(long nanos) {
        Anchor a = anchor;
        if (nanos - a.nanos() >= ANCHOR_NANOS) {
            anchor = a = Anchor.now(); // two writers may both renew it: either reading is right
        }
        // A reading taken before another writer renewed the anchor counts back from it.
        return Math.max(lastMillis, (a.epochNanos() + (nanos - a.nanos())) / 1_000_000);
    }

    /**
     * Bytes from {@code offset} arrived at {@code nowMillis}; the ring now starts at {@code start}.
     * Writer thread only.
     */
    void appended(long offset, long nowMillis, long start) {
        if (nowMillis == lastMillis) {
            return;
        }
        lastMillis = nowMillis;
        add(offset, nowMillis, start);
    }

    /** A new entry; first those that cover only bytes the ring dropped go. */
    private synchronized void add(long offset, long nowMillis, long start) {
        while (count >= 2 && offsets[index(1)] <= start) {
            head = index(1);
            count--;
        }
        if (count == offsets.length) {
            if (offsets.length < maxEntries) {
                grow();
            } else {
                head = index(1);
                count--;
            }
        }
        offsets[index(count)] = offset;
        millis[index(count)] = nowMillis;
        count++;
    }

    private void grow() {
        int n = Math.min(maxEntries, offsets.length * 2);
        long[] o = new long[n];
        long[] m = new long[n];
        for (int i = 0; i < count; i++) {
            o[i] = offsets[index(i)];
            m[i] = millis[index(i)];
        }
        offsets = o;
        millis = m;
        head = 0;
    }

    /**
     * The arrivals of the bytes {@code [from, to)}: the entry that covers {@code from}, moved up to
     * it, then every entry inside; nothing for bytes before the oldest entry kept.
     */
    public synchronized List<Arrival> between(long from, long to) {
        List<Arrival> out = new ArrayList<>();
        int first = lastAtOrBefore(from);
        if (first >= 0) {
            out.add(new Arrival(from, millis[index(first)]));
        }
        for (int i = first + 1; i < count && offsets[index(i)] < to; i++) {
            out.add(new Arrival(offsets[index(i)], millis[index(i)]));
        }
        return out;
    }

    /** The entries, oldest first, for a daemon that takes over: {lastMillis, offsets..., millis...}. */
    synchronized long[] handOver() {
        long[] out = new long[1 + 2 * count];
        out[0] = lastMillis;
        for (int i = 0; i < count; i++) {
            out[1 + i] = offsets[index(i)];
            out[1 + count + i] = millis[index(i)];
        }
        return out;
    }

    /** Takes the entries {@link #handOver} wrote (an empty array: none); the index must be new. */
    synchronized void takeOver(long[] state) {
        if (state.length == 0) {
            return;
        }
        int n = Math.min((state.length - 1) / 2, maxEntries);
        int skip = (state.length - 1) / 2 - n;
        offsets = new long[Math.max(16, n)];
        millis = new long[Math.max(16, n)];
        for (int i = 0; i < n; i++) {
            offsets[i] = state[1 + skip + i];
            millis[i] = state[1 + (state.length - 1) / 2 + skip + i];
        }
        head = 0;
        count = n;
        lastMillis = state[0];
    }

    /** How many entries are kept. */
    synchronized int entries() {
        return count;
    }

    /** Bytes held for entries now. */
    synchronized long allocatedBytes() {
        return 16L * offsets.length;
    }

    int maxEntries() {
        return maxEntries;
    }

    /** The last entry whose offset is at or before {@code offset}, by binary search; -1 when none. */
    private int lastAtOrBefore(long offset) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (offsets[index(mid)] <= offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    private int index(int i) {
        return (head + i) % offsets.length;
    }
}
