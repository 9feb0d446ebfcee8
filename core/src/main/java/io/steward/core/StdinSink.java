package io.steward.core;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The child's stdin: a bounded queue that any thread fills and the I/O loop drains with
 * non-blocking writes. {@link #close()} delivers EOF once queued bytes are written. Bytes that can
 * no longer be delivered (the child closed its end) are counted in {@link #dropped()}.
 *
 * <p>While nothing is queued, bytes go straight to the descriptor from the caller's thread (a
 * non-blocking write): a keystroke then reaches the child without waking the loop. Only what the
 * descriptor does not take at once is queued for the loop. The loop writes only while a chunk is
 * queued, and the chunk leaves the queue after its write, so the two never write at the same time
 * and bytes keep their order.
 */
public final class StdinSink {
    /** Queue bound; a writer waits (or {@link #offer} refuses) beyond it. */
    public static final int DEFAULT_LIMIT = 1024 * 1024;

    /** Writes to the child's descriptor now, from any thread, without blocking. */
    interface DirectWrite {
        /** @return bytes written, 0 when the descriptor takes none now (full, or closed) */
        int write(byte[] data, int off, int len);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition space = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final int limit;
    private final Runnable wakeWriter;
    private final DirectWrite direct;
    private int headOffset;
    private long queued;
    private long written;
    private long dropped;
    private boolean eofRequested;
    private boolean closed;

    StdinSink(int limit, Runnable wakeWriter) {
        this(limit, wakeWriter, null);
    }

    /** @param direct writes while nothing is queued, or null to leave every write to the loop */
    StdinSink(int limit, Runnable wakeWriter, DirectWrite direct) {
        this.limit = limit;
        this.wakeWriter = wakeWriter;
        this.direct = direct;
    }

    /** Queues all of {@code data}, waiting for room as needed. */
    public void write(byte[] data) throws InterruptedException {
        int off = 0;
        while (off < data.length) {
            boolean wake;
            lock.lock();
            try {
                ensureOpen();
                off += writeDirect(data, off);
                if (off == data.length) {
                    return;
                }
                while (queued >= limit) {
                    space.await(100, TimeUnit.MILLISECONDS);
                    ensureOpen();
                }
                int n = (int) Math.min(data.length - off, limit - queued);
                byte[] part = off == 0 && n == data.length ? data : java.util.Arrays.copyOfRange(data, off, off + n);
                wake = chunks.isEmpty();
                chunks.add(part);
                queued += n;
                off += n;
            } finally {
                lock.unlock();
            }
            if (wake) {
                wakeWriter.run();
            }
        }
    }

    /**
     * Queues {@code data} if it fits now.
     *
     * @throws StewardException {@code too-large} when it does not fit, {@code closed} after EOF
     */
    public void offer(byte[] data) {
        if (!tryOffer(data)) {
            throw new StewardException(ErrorCode.TOO_LARGE,
                    "stdin queue full: " + queued() + " bytes pending, limit " + limit);
        }
    }

    /**
     * Queues {@code data} if it fits now, without waiting: for a thread that must not block.
     *
     * @return false, having taken nothing, when it does not fit
     * @throws StewardException {@code closed} after EOF
     */
    public boolean tryOffer(byte[] data) {
        boolean wake;
        lock.lock();
        try {
            ensureOpen();
            if (queued + data.length > limit) {
                return false;
            }
            int off = writeDirect(data, 0);
            if (off == data.length) {
                return true;
            }
            byte[] rest = off == 0 ? data : java.util.Arrays.copyOfRange(data, off, data.length);
            wake = chunks.isEmpty();
            chunks.add(rest);
            queued += rest.length;
        } finally {
            lock.unlock();
        }
        if (wake) {
            wakeWriter.run();
        }
        return true;
    }

    /** Requests EOF: the fd closes once every queued byte is written. */
    public void close() {
        lock.lock();
        try {
            if (eofRequested || closed) {
                return;
            }
            eofRequested = true;
        } finally {
            lock.unlock();
        }
        wakeWriter.run();
    }

    /** True until EOF was requested or the child closed its end. */
    public boolean isOpen() {
        lock.lock();
        try {
            return !eofRequested && !closed;
        } finally {
            lock.unlock();
        }
    }

    public long queued() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    public long written() {
        lock.lock();
        try {
            return written;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes accepted but never delivered because the child stopped reading for good. */
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Writes what the descriptor takes now when nothing is queued ahead; under the lock. */
    private int writeDirect(byte[] data, int off) {
        if (direct == null || !chunks.isEmpty() || off == data.length) {
            return 0;
        }
        int n = direct.write(data, off, data.length - off);
        written += n;
        return n;
    }

    private void ensureOpen() {
        if (eofRequested || closed) {
            throw new StewardException(ErrorCode.CLOSED, "stdin is closed");
        }
    }

    /**
     * The bytes queued and not yet written, in order, left in the queue; with {@code inPipe} run
     * first under the same lock, so no direct write slips between what it reads and the copy.
     */
    byte[] pending(java.util.function.Supplier<byte[]> inPipe) {
        lock.lock();
        try {
            byte[] before = inPipe.get();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(before.length + (int) queued);
            out.writeBytes(before);
            int off = headOffset;
            for (byte[] chunk : chunks) {
                out.write(chunk, off, chunk.length - off);
                off = 0;
            }
            return out.toByteArray();
        } finally {
            lock.unlock();
        }
    }

    /** The queue and its counters, for a daemon that takes over (the loop stopped: nothing moves). */
    void handOver(java.io.DataOutputStream out) throws java.io.IOException {
        lock.lock();
        try {
            Handover.writeBytes(out, pending(() -> new byte[0]));
            out.writeLong(written);
            out.writeLong(dropped);
            out.writeBoolean(eofRequested);
            out.writeBoolean(closed);
        } finally {
            lock.unlock();
        }
    }

    /** Takes the queue {@link #handOver} wrote; before the loop serves this sink. */
    void takeOver(java.io.DataInputStream in) throws java.io.IOException {
        byte[] pending = Handover.readBytes(in);
        lock.lock();
        try {
            if (pending.length > 0) {
                chunks.add(pending);
                queued = pending.length;
            }
            written = in.readLong();
            dropped = in.readLong();
            eofRequested = in.readBoolean();
            closed = in.readBoolean();
        } finally {
            lock.unlock();
        }
    }

    // ---- loop side ----

    /** The next bytes to write: the head chunk and the offset in it, or null when idle. Loop thread only. */
    byte[] head() {
        lock.lock();
        try {
            return chunks.peek();
        } finally {
            lock.unlock();
        }
    }

    int headOffset() {
        return headOffset;
    }

    /** Records {@code n} bytes of the head chunk as written. */
    void advance(int n) {
        lock.lock();
        try {
            headOffset += n;
            queued -= n;
            written += n;
            if (headOffset == chunks.peek().length) {
                chunks.poll();
                headOffset = 0;
            }
            space.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** True when the fd should now be closed: EOF requested and nothing left. */
    boolean drainedForEof() {
        lock.lock();
        try {
            return eofRequested && !closed && chunks.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** The child's end is gone (EPIPE, exit): pending bytes are dropped and counted. */
    void abandon() {
        lock.lock();
        try {
            closed = true;
            dropped += queued;
            queued = 0;
            chunks.clear();
            headOffset = 0;
            space.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
