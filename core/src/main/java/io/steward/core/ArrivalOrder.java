package io.steward.core;

/**
 * The order in which a process's stdout and stderr bytes arrived, so the two rings can be read back
 * interleaved as a terminal would have shown them. Each mark is a stretch of one stream, up to an
 * offset, read before the other stream's next bytes; consecutive reads of one stream extend one mark,
 * so a program that rarely writes to stderr costs a handful of marks. The order is as precise as the
 * reads that took the bytes from the two pipes (what arrived in one {@code epoll_wait} batch cannot be
 * told apart, as for any reader of two pipes).
 *
 * <p>Bounded: past {@link #MAX_MARKS} the oldest marks are forgotten, and bytes older than the oldest
 * mark kept are read stream by stream, stdout first. The rings of a restarted process keep their
 * order, as they keep their offsets.
 */
public final class ArrivalOrder {
    public static final int STDOUT = 0;
    public static final int STDERR = 1;
    static final int MAX_MARKS = 16 * 1024;

    /** Ring of marks, oldest at {@code head}: {@code end << 1 | stream}. */
    private long[] marks = new long[16];
    private int head;
    private int count;
    /** Per stream, where its bytes before the oldest mark kept end. */
    private final long[] before = new long[2];

    /** The writer appended bytes of {@code stream}; it now ends at {@code end}. Writer thread only. */
    synchronized void appended(int stream, long end) {
        if (count > 0 && stream(count - 1) == stream) {
            marks[index(count - 1)] = end << 1 | stream;
            return;
        }
        if (count == marks.length) {
            if (marks.length < MAX_MARKS) {
                long[] grown = new long[marks.length * 2];
                for (int i = 0; i < count; i++) {
                    grown[i] = marks[index(i)];
                }
                marks = grown;
                head = 0;
            } else {
                before[stream(0)] = end(0);
                head = (head + 1) % marks.length;
                count--;
            }
        }
        marks[index(count++)] = end << 1 | stream;
    }

    /** A stretch to read next: bytes of {@code stream} from the caller's cursor up to {@code until}. */
    public record Stretch(int stream, long until) {}

    /**
     * The stretch that arrived first among the bytes at or after the two cursors, or null when the
     * marks say nothing about them (both cursors past every mark).
     */
    public synchronized Stretch next(long outCursor, long errCursor) {
        if (outCursor < before[STDOUT]) {
            return new Stretch(STDOUT, before[STDOUT]);
        }
        if (errCursor < before[STDERR]) {
            return new Stretch(STDERR, before[STDERR]);
        }
        int i = Math.min(first(STDOUT, outCursor), first(STDERR, errCursor));
        return i == Integer.MAX_VALUE ? null : new Stretch(stream(i), end(i));
    }

    /** The marks, oldest first, for a daemon that takes over: {before stdout, before stderr, marks...}. */
    synchronized long[] handOver() {
        long[] out = new long[2 + count];
        out[0] = before[STDOUT];
        out[1] = before[STDERR];
        for (int i = 0; i < count; i++) {
            out[2 + i] = marks[index(i)];
        }
        return out;
    }

    /** Order as {@link #handOver} wrote it. */
    static ArrivalOrder takeOver(long[] state) {
        ArrivalOrder o = new ArrivalOrder();
        o.before[STDOUT] = state[0];
        o.before[STDERR] = state[1];
        int n = state.length - 2;
        o.marks = new long[Math.max(16, Math.max(n, Math.min(MAX_MARKS, Integer.highestOneBit(Math.max(1, n)) << 1)))];
        System.arraycopy(state, 2, o.marks, 0, n);
        o.count = n;
        return o;
    }

    /** How many marks are kept. */
    synchronized int marks() {
        return count;
    }

    /** The first mark of {@code stream} that ends after {@code cursor}; marks alternate, so a stream's are every other one. */
    private int first(int stream, long cursor) {
        if (count == 0) {
            return Integer.MAX_VALUE;
        }
        int parity = stream(0) == stream ? 0 : 1;
        int lo = 0;
        int hi = (count - parity + 1) / 2; // how many marks of this stream
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (end(parity + 2 * mid) > cursor) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        int i = parity + 2 * lo;
        return i < count ? i : Integer.MAX_VALUE;
    }

    private int index(int i) {
        return (head + i) % marks.length;
    }

    private int stream(int i) {
        return (int) (marks[index(i)] & 1);
    }

    private long end(int i) {
        return marks[index(i)] >>> 1;
    }
}
