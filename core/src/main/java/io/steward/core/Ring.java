package io.steward.core;

import io.steward.api.Overflow;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded byte ring addressed by absolute offsets: byte {@code n} of a stream keeps offset
 * {@code n} forever, so a cursor stays meaningful after the bytes behind it are gone.
 *
 * <p>One writer (the I/O loop) and any number of readers. Reads never consume. Writes take no
 * lock: readers copy optimistically and then re-check {@link #start()}, seqlock style, treating
 * anything overwritten meanwhile as dropped. Memory is allocated page by page as data arrives.
 *
 * <p>Offsets: {@code start <= end}; bytes {@code [start, end)} are readable; {@code dropped} counts
 * bytes overwritten by {@link Overflow#DROP_OLDEST}.
 *
 * <p>Under {@link Overflow#BACKPRESSURE} nothing is overwritten: a byte is freed only once every
 * {@link Consumer} has it (the log writer is one; an attached client is one while attached), so the
 * child runs at the pace of the slowest consumer. With no consumer at all the ring fills and the
 * child waits for one ({@link #full()}). Plain {@link Reader}s never hold bytes back.
 */
public final class Ring {
    public static final int MIN_CAPACITY = 4 * 1024;
    public static final int MAX_CAPACITY = 64 * 1024 * 1024;
    public static final int DEFAULT_CAPACITY = 1024 * 1024;
    private static final int PAGE = 64 * 1024;
    /** The benchmarks' switch for the write path without the time index; on unless set to {@code false}. */
    private static final boolean TIMED = !"false".equals(System.getProperty("steward.ring.timeIndex"));

    private static final VarHandle START;

    static {
        try {
            START = MethodHandles.lookup().findVarHandle(Ring.class, "start", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;
    private final int pageSize;
    private final Overflow overflow;
    private final byte[][] pages;
    /** When the bytes arrived; null with the index switched off. */
    private final TimeIndex times;
    private volatile long start;
    private volatile long end;
    private volatile long dropped;
    private volatile boolean closed;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile int waiters;
    private volatile Runnable onRelease;
    /** Told on the writer's thread after every append and at the close; see {@link #listen}. */
    private volatile Runnable[] listeners = {};
    private final java.util.concurrent.CopyOnWriteArrayList<Consumer> consumers = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Ring(int capacity, Overflow overflow) {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("ring capacity " + capacity + " outside " + MIN_CAPACITY + ".." + MAX_CAPACITY);
        }
        this.capacity = capacity;
        this.overflow = overflow;
        this.pageSize = Math.min(PAGE, capacity);
        this.pages = new byte[(capacity + pageSize - 1) / pageSize][];
        this.times = TIMED ? new TimeIndex(capacity) : null;
    }

    public int capacity() {
        return capacity;
    }

    public Overflow overflow() {
        return overflow;
    }

    /** Offset of the oldest readable byte. */
    public long start() {
        return start;
    }

    /** Offset one past the newest byte: the total ever written. */
    public long end() {
        return end;
    }

    /** Bytes overwritten before anyone released them. */
    public long dropped() {
        return dropped;
    }

    /** Bytes held now. */
    public long buffered() {
        return end - start;
    }

    /** Memory actually allocated for data. */
    public long allocatedBytes() {
        long n = 0;
        for (byte[] p : pages) {
            n += p == null ? 0 : p.length;
        }
        return n;
    }

    /**
     * When the bytes {@code [from, to)} arrived (see {@link TimeIndex#between}); empty for bytes
     * older than the index keeps, and with the index switched off.
     */
    public java.util.List<io.steward.api.Arrival> arrivals(long from, long to) {
        return times != null ? times.between(from, to) : java.util.List.of();
    }

    /** The time index, for tests. */
    TimeIndex timeIndex() {
        return times;
    }

    /** True once the writer saw end of stream; no byte will follow {@link #end()}. */
    public boolean closed() {
        return closed;
    }

    /** True when a backpressure ring holds all it can: the child is kept waiting until a consumer frees bytes. */
    public boolean full() {
        return overflow == Overflow.BACKPRESSURE && end - start >= capacity;
    }

    /** How many bytes the writer may append now: unbounded under drop-oldest, the free space under backpressure. */
    int writable() {
        return overflow == Overflow.DROP_OLDEST ? Integer.MAX_VALUE : (int) (capacity - (end - start));
    }

    /** Appends {@code len} bytes from native memory. Writer thread only. */
    void append(MemorySegment src, long offset, int len) {
        append(src, offset, len, System.nanoTime());
    }

    /**
     * Appends {@code len} bytes from native memory that arrived at {@code nowNanos} (of
     * {@link System#nanoTime}, which the writer reads anyway). Writer thread only.
     */
    void append(MemorySegment src, long offset, int len, long nowNanos) {
        long e = end;
        if (len > capacity) {
            // Only the tail can survive; the head is dropped without being copied.
            long skip = len - capacity;
            dropTo(e + skip);
            offset += skip;
            e += skip;
            len = capacity;
            end = e;
        }
        long newEnd = e + len;
        if (newEnd - start > capacity) {
            dropTo(newEnd - capacity);
        }
        if (times != null) {
            times.appended(e, times.millisAt(nowNanos), start);
        }
        VarHandle.storeStoreFence();
        while (len > 0) {
            int index = (int) (e % capacity);
            int page = index / pageSize;
            int at = index % pageSize;
            byte[] p = pages[page];
            if (p == null) {
                p = pages[page] = new byte[Math.min(pageSize, capacity - page * pageSize)];
            }
            int n = Math.min(len, p.length - at);
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, p, at, n);
            offset += n;
            e += n;
            len -= n;
        }
        end = e;
        try {
            tellListeners();
        } finally {
            if (waiters > 0) {
                wakeAll();
            }
        }
    }

    private void dropTo(long newStart) {
        long s;
        do {
            s = start;
            if (newStart <= s) {
                return;
            }
        } while (!START.compareAndSet(this, s, newStart));
        dropped += newStart - s;
    }

    /** Marks end of stream and wakes readers. Writer thread only. */
    void close() {
        closed = true;
        try {
            tellListeners();
        } finally {
            wakeAll();
        }
    }

    /**
     * Lets a closed ring take a new writer: a restarted session's next process writes on after its
     * predecessor's last byte, so cursors and history stay valid across the restart.
     */
    void reopen() {
        if (!closed) {
            throw new IllegalStateException("ring still has a writer");
        }
        closed = false;
        wakeAll();
    }

    /**
     * Waits until the writer closes the ring, or {@link System#nanoTime} passes {@code deadlineNanos}.
     *
     * @return true once closed, false at the deadline
     */
    public boolean awaitClosed(long deadlineNanos) throws InterruptedException {
        while (!closed) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            park(end, false, left);
        }
        return true;
    }

    /**
     * Waits for bytes at or after {@code cursor}, through any number of closes and reopens meanwhile:
     * what a reader that outlives one process of a restarting session needs (a wait that ended at
     * the close could miss a reopen that came and went while it was not looking).
     *
     * @return true when bytes are available, false after the timeout
     */
    public boolean awaitBytes(long cursor, long timeout, TimeUnit unit) throws InterruptedException {
        return end > cursor || park(cursor, true, unit.toNanos(timeout));
    }

    /**
     * Frees every byte before {@code offset}. Under backpressure this is what lets the writer read
     * from the child again; consumers call it with the oldest position any of them still needs.
     */
    void release(long offset) {
        long target = Math.min(offset, end);
        long s;
        do {
            s = start;
            if (target <= s) {
                return;
            }
        } while (!START.compareAndSet(this, s, target));
        Runnable r = onRelease;
        if (r != null) {
            r.run();
        }
    }

    void onRelease(Runnable action) {
        this.onRelease = action;
    }

    /**
     * Has {@code listener} run on the writer's thread (the I/O loop) right after every append and at
     * the close, before parked readers are woken: a reader that can take a few bytes at once, without
     * blocking, hands them on there and then instead of waiting to be scheduled. A listener must never
     * block and should be quick; it runs until {@link #unlisten}.
     */
    public synchronized void listen(Runnable listener) {
        Runnable[] now = listeners;
        Runnable[] more = java.util.Arrays.copyOf(now, now.length + 1);
        more[now.length] = listener;
        listeners = more;
    }

    /** Stops running {@code listener}; the writer may be running it at this moment. */
    public synchronized void unlisten(Runnable listener) {
        listeners = java.util.Arrays.stream(listeners).filter(l -> l != listener).toArray(Runnable[]::new);
    }

    private void tellListeners() {
        for (Runnable l : listeners) {
            l.run();
        }
    }

    /** What a read returned: the bytes, the offset they start at, the cursor to pass next, and the bytes skipped. */
    public record Chunk(byte[] data, long offset, long next, long skipped) {
        public boolean isEmpty() {
            return data.length == 0;
        }
    }

    /**
     * Copies up to {@code max} bytes from {@code cursor} without consuming them. A cursor behind
     * {@link #start()} skips ahead, and the chunk says how many bytes were skipped.
     */
    public Chunk read(long cursor, int max) {
        while (true) {
            long e = end;
            long from = Math.max(cursor, start);
            int n = (int) Math.max(0, Math.min(max, e - from));
            byte[] out = new byte[n];
            copyOut(from, ByteBuffer.wrap(out), 0, n);
            VarHandle.acquireFence();
            if (start <= from) {
                return new Chunk(out, from, from + n, from - Math.min(cursor, from));
            }
            // The writer overwrote part of what we copied; retry from the new start.
        }
    }

    /** Copies up to {@code len} bytes from {@code cursor} into {@code dst}; {@code fromOut[0]} gets the offset they start at. */
    private long copyInto(long cursor, ByteBuffer dst, int off, int len, long[] fromOut) {
        while (true) {
            long e = end;
            long from = Math.max(cursor, start);
            int n = (int) Math.max(0, Math.min(len, e - from));
            copyOut(from, dst, off, n);
            VarHandle.acquireFence();
            if (start <= from) {
                fromOut[0] = from;
                return n;
            }
        }
    }

    /**
     * Writes the ring whole for a daemon that takes over from this one: shape, offsets, the bytes
     * held and their arrival times. The writer must be stopped (the I/O loop held).
     */
    void handOver(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(capacity);
        out.writeUTF(overflow.name());
        out.writeLong(start);
        out.writeLong(end);
        out.writeLong(dropped);
        out.writeBoolean(closed);
        for (long at = start; at < end; ) {
            int index = (int) (at % capacity);
            byte[] p = pages[index / pageSize];
            int n = (int) Math.min(end - at, p.length - index % pageSize);
            out.write(p, index % pageSize, n); // straight from the page: the writer is stopped
            at += n;
        }
        Handover.writeLongs(out, times != null ? times.handOver() : new long[0]);
    }

    /** A ring as {@link #handOver} wrote it: the same bytes at the same offsets, so every cursor holds. */
    static Ring takeOver(java.io.DataInputStream in) throws java.io.IOException {
        Ring r = new Ring(in.readInt(), Overflow.valueOf(in.readUTF()));
        long s = in.readLong();
        long e = in.readLong();
        r.dropped = in.readLong();
        boolean closed = in.readBoolean();
        r.start = s;
        for (long at = s; at < e; ) {
            int index = (int) (at % r.capacity);
            int page = index / r.pageSize;
            byte[] p = r.pages[page];
            if (p == null) {
                p = r.pages[page] = new byte[Math.min(r.pageSize, r.capacity - page * r.pageSize)];
            }
            int n = (int) Math.min(e - at, p.length - index % r.pageSize);
            in.readFully(p, index % r.pageSize, n); // straight into the page
            at += n;
        }
        r.end = e;
        r.closed = closed;
        long[] times = Handover.readLongs(in);
        if (r.times != null) {
            r.times.takeOver(times);
        }
        return r;
    }

    /** A reader for callers that stream: it keeps its cursor and counts what it skipped, and reads into their buffer. */
    public Reader reader(long from) {
        return new Reader(from);
    }

    /**
     * A reader whose progress holds the ring back under backpressure: nothing from {@code from} on is
     * freed before it {@link Consumer#release releases} it or is {@link Consumer#close closed}.
     */
    public Consumer consumer(long from) {
        Consumer c = new Consumer(Math.max(from, start));
        consumers.add(c);
        return c;
    }

    /** Frees what every consumer has; under drop-oldest, and with no consumer, nothing is freed here. */
    private void releaseConsumed() {
        if (overflow != Overflow.BACKPRESSURE) {
            return;
        }
        long oldest = Long.MAX_VALUE;
        for (Consumer c : consumers) {
            oldest = Math.min(oldest, c.consumed);
        }
        if (oldest != Long.MAX_VALUE) {
            release(oldest);
        }
    }

    /** Streams the ring from a cursor without allocating per read. Not thread-safe; one per consumer. */
    public sealed class Reader permits Consumer {
        private final long[] from = new long[1];
        private long position;
        private long skipped;

        private Reader(long position) {
            this.position = position;
        }

        /** Offset of the next byte this reader returns. */
        public long position() {
            return position;
        }

        /** Bytes this reader never saw because they were overwritten before it got to them. */
        public long skipped() {
            return skipped;
        }

        /**
         * Copies available bytes into {@code dst}, waiting up to {@code timeoutMillis} for some.
         *
         * @return bytes copied; 0 on timeout; -1 once the stream closed and everything was read
         */
        public int read(byte[] dst, int off, int len, long timeoutMillis) throws InterruptedException {
            return read(ByteBuffer.wrap(dst), off, len, timeoutMillis);
        }

        /**
         * Like {@link #read(byte[], int, int, long)}, into {@code dst} from index {@code off} (its
         * position and limit are left alone): with a direct buffer, the bytes go from the ring to
         * the socket with no copy between.
         */
        public int read(ByteBuffer dst, int off, int len, long timeoutMillis) throws InterruptedException {
            if (end <= position && !await(position, timeoutMillis, TimeUnit.MILLISECONDS)) {
                return 0;
            }
            int n = (int) copyInto(position, dst, off, len, from);
            skipped += from[0] - position;
            position = from[0] + n;
            if (n == 0 && closed && end <= position) {
                return -1;
            }
            return n;
        }
    }

    /** A {@link Reader} the ring waits for under backpressure (see {@link #consumer}). */
    public final class Consumer extends Reader implements AutoCloseable {
        private volatile long consumed;

        private Consumer(long from) {
            super(from);
            this.consumed = from;
        }

        /** Says this consumer is done with everything it has read: under backpressure, the child may write again. */
        public void release() {
            consumed = position();
            releaseConsumed();
        }

        /**
         * Stops holding the ring back: what only this consumer still held is freed when other
         * consumers remain; with none left, nothing frees the ring until a new one comes.
         */
        @Override
        public void close() {
            if (consumers.remove(this)) {
                consumed = Long.MAX_VALUE;
                releaseConsumed();
            }
        }
    }

    private void copyOut(long from, ByteBuffer out, int outOff, int n) {
        int done = 0;
        while (done < n) {
            int index = (int) ((from + done) % capacity);
            int page = index / pageSize;
            int at = index % pageSize;
            byte[] p = pages[page];
            int k = Math.min(n - done, p.length - at);
            out.put(outOff + done, p, at, k);
            done += k;
        }
    }

    /**
     * Waits until there are bytes at or after {@code cursor}, the stream closes, or the timeout passes.
     *
     * @return true when bytes are available or the stream is closed
     */
    public boolean await(long cursor, long timeout, TimeUnit unit) throws InterruptedException {
        return end > cursor || closed || park(cursor, false, unit.toNanos(timeout));
    }

    /**
     * Waits up to {@code nanos} for bytes after {@code cursor}, or for the close unless
     * {@code throughClose}. True when that came, false on timeout.
     */
    private boolean park(long cursor, boolean throughClose, long nanos) throws InterruptedException {
        lock.lock();
        try {
            waiters++;
            try {
                while (end <= cursor && (throughClose || !closed)) {
                    if (nanos <= 0) {
                        return false;
                    }
                    nanos = changed.awaitNanos(nanos);
                }
                return true;
            } finally {
                waiters--;
            }
        } finally {
            lock.unlock();
        }
    }

    private void wakeAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
