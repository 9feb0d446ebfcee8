package io.steward.core;

import io.steward.api.Arrival;
import java.util.ArrayList;
import java.util.List;

/**
 * When a ring's bytes arrived: a sparse, bounded ring of (offset, epoch millis) entries, one per
 * append whose millisecond differs from the last entry's, so a byte's time is that of the last entry
 * at or before it, exact to the millisecond. An entry covers the bytes up to the next one; it goes
 * once the ring has dropped all it covers, and past {@link #maxEntries} the oldest goes first (older
 * bytes then have no time). Memory grows with use, up to 16 bytes per entry.
 */
public final class TimeIndex {
    /** Entries per byte of ring capacity at most: an index costs at most an eighth of its ring. */
    static final int BYTES_PER_ENTRY = 128;
    static final int MIN_ENTRIES = 64;

    private final int maxEntries;
    private long[] offsets = new long[16];
    private long[] millis = new long[16];
    private int head;
    private int count;

    TimeIndex(int ringCapacity) {
        this.maxEntries = Math.max(MIN_ENTRIES, ringCapacity / BYTES_PER_ENTRY);
    }

    /**
     * Bytes from {@code offset} arrived at {@code nowMillis}; the ring now starts at {@code start}.
     * Writer thread only.
     */
    synchronized void appended(long offset, long nowMillis, long start) {
        while (count >= 2 && offsets[index(1)] <= start) {
            head = index(1);
            count--;
        }
        if (count > 0 && millis[index(count - 1)] == nowMillis) {
            return;
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
