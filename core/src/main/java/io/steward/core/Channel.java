package io.steward.core;

import io.steward.sys.Epoll;
import io.steward.sys.Errno;
import io.steward.sys.Libc;
import io.steward.sys.Pty;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One parent-side descriptor on the I/O loop: it reads child output into a ring, writes queued
 * stdin, or both (a pty master). Run by the loop, or by a waiting thread that adopted it.
 */
final class Channel implements IoLoop.Handler {
    private final IoLoop loop;
    private final int fd;
    private final Ring ring;
    private final StdinSink sink;
    private final boolean pty;
    /** Where reads of this stream are put in order with the process's other stream, or null. */
    private final ArrivalOrder order;
    private final int stream;
    private static final int DEFAULT_PIPE_BYTES = 64 * 1024;
    private static final int DEEP_PIPE_BYTES = 1024 * 1024;
    /** The most one direct write takes from a caller (a keystroke, a line); the loop writes the rest. */
    private static final int DIRECT_BYTES = 4096;
    /** Native copy of a direct write; made on the first one, guarded by this channel's monitor. */
    private MemorySegment directBuffer;
    private boolean reading;
    /** Owner only: the pipe was enlarged, or refused to be. */
    private boolean deepened;
    private boolean registered;
    private boolean open = true;
    /** Loop thread only: the child was reaped, so a pty master may be closed without hanging anyone up. */
    private boolean processGone;
    private int interest = -1;
    /** Set while a full backpressure ring keeps us from reading; a consumer's release then wakes us. */
    private volatile boolean paused;
    private volatile long lastOutputNanos = System.nanoTime();
    /**
     * Whoever runs this channel's handler holds it: the loop (tryLock, per event) or a waiter that
     * adopted the channel (for the whole wait). An adopted channel is out of the epoll set, so the
     * loop sees at most a stale event, which it skips.
     */
    private final java.util.concurrent.locks.ReentrantLock owner = new java.util.concurrent.locks.ReentrantLock();

    /**
     * @param ring where output goes, or null for a write-only channel
     * @param sink where stdin comes from, or null for a read-only channel
     */
    Channel(IoLoop loop, int fd, Ring ring, StdinSink sink, boolean pty) {
        this(loop, fd, ring, sink, pty, null, ArrivalOrder.STDOUT);
    }

    /** An output channel whose reads are recorded in {@code order} as {@code stream}. */
    Channel(IoLoop loop, int fd, Ring ring, StdinSink sink, boolean pty, ArrivalOrder order, int stream) {
        this.order = order;
        this.stream = stream;
        this.loop = loop;
        this.fd = fd;
        this.ring = ring;
        this.sink = sink;
        this.pty = pty;
        // Handed over by a daemon before this one, a stream may be past its end (a closed ring) or
        // its descriptor gone (-1): such a channel reads nothing, and one without a descriptor is closed.
        this.reading = ring != null && !ring.closed() && fd >= 0;
        this.open = fd >= 0;
        if (ring != null) {
            ring.onRelease(() -> {
                if (paused) {
                    wake();
                }
            });
        }
    }

    /**
     * First registration, on the spawning thread. Every field is written before the fd enters the
     * epoll set and none after: from that moment the loop owns this channel.
     */
    void start() {
        if (!open) {
            return;
        }
        int want = (reading ? Epoll.IN : 0) | (sink != null && sink.head() != null ? Epoll.OUT : 0);
        interest = want;
        if (want != 0) {
            registered = true;
            loop.register(fd, want, this);
        }
    }

    /** Asks the loop to re-evaluate interest: stdin got bytes or EOF, or a consumer freed ring space. Any thread. */
    void wake() {
        loop.execute(this::update);
    }

    long lastOutputNanos() {
        return lastOutputNanos;
    }

    @Override
    public void ready(int events) {
        if (!owner.tryLock()) {
            return; // adopted by a waiter meanwhile
        }
        try {
            handle(events, loop.staging());
        } finally {
            owner.unlock();
        }
    }

    /**
     * True for channels a waiting thread may run itself: output only, drop-oldest (so never paused
     * by a full ring, and never woken by a consumer).
     */
    boolean adoptable() {
        return sink == null && ring != null && ring.overflow() == io.steward.api.Overflow.DROP_OLDEST;
    }

    /**
     * Takes the channel off the loop so the calling thread can serve it (see {@link #serveAdopted});
     * false when there is nothing to adopt. Pair with {@link #release}.
     */
    boolean adopt() {
        owner.lock();
        if (!open || !registered) {
            owner.unlock();
            return false;
        }
        loop.unregister(fd);
        registered = false;
        return true;
    }

    /** Reads what {@code events} reported, on the adopting thread, into its own staging buffer. */
    void serveAdopted(int events, MemorySegment staging) {
        handle(events, staging);
    }

    boolean isOpen() {
        return open;
    }

    int fd() {
        return fd;
    }

    /** Hands an adopted channel back to the loop. */
    void release() {
        try {
            if (open && !registered) {
                registered = true;
                loop.register(fd, interest, this);
            }
        } finally {
            owner.unlock();
        }
    }

    private void handle(int events, MemorySegment staging) {
        if (!open) {
            return;
        }
        if (reading && (events & (Epoll.IN | Epoll.HUP | Epoll.ERR)) != 0) {
            pump(staging);
        }
        if (open && sink != null && (events & (Epoll.OUT | Epoll.ERR)) != 0) {
            if (!pty && (events & Epoll.ERR) != 0 && readerGone()) {
                sink.abandon();
                shutdown();
                return;
            }
            flush();
        }
        if (open && registered) {
            update(); // an adopted channel keeps its interest (output only) until it is released
        }
    }

    /**
     * Whether the pipe's reader has gone. Asked of the fd itself, since an ERR event may be a stale
     * one of an earlier fd with this number, and abandoning on it would cut a fresh child's stdin.
     */
    private boolean readerGone() {
        short[] revents = new short[1];
        Libc.poll(new int[] {fd}, 1, Libc.POLLOUT, 0, revents);
        return (revents[0] & Libc.POLLERR) != 0;
    }

    private void pump(MemorySegment buf) {
        int room = ring.writable();
        if (room <= 0) {
            return;
        }
        // Always a read, even for a bare hang-up: the event may be a stale one of an earlier fd with
        // this number (a handler must tolerate those, see IoLoop.register), and taking it for EOF
        // would close a fresh pipe unread. A real EOF reads 0; a stale event reads EAGAIN.
        long n = Libc.read(fd, buf, Math.min(room, buf.byteSize()));
        if (n > 0) {
            long now = System.nanoTime(); // one clock read for the idle timeout and the ring's time index
            ring.append(buf, 0, (int) n, now);
            if (order != null) {
                order.appended(stream, ring.end());
            }
            lastOutputNanos = now;
            if (n >= DEFAULT_PIPE_BYTES && !pty && !deepened) {
                deepen();
            }
        } else if (n == 0 || (n != -Errno.EAGAIN && n != -Errno.EINTR)) {
            // EOF on a pipe; EIO on a pty master once the last slave fd closed.
            reading = false;
            ring.close();
            if (sink != null) {
                sink.abandon();
            }
            if (!pty || processGone) {
                shutdown();
            }
            // Otherwise the master stays open, out of the epoll set, until the child is reaped: closing
            // it hangs the terminal up, and SIGHUP would kill a child that closed its stdio (as
            // coreutils do just before exiting) and is not yet gone.
        }
    }

    /**
     * A read that found the default pipe full marks a chatty child: a deeper pipe means fewer wake-ups
     * per byte. Done then rather than at spawn, so quiet children cost no resize and no kernel memory.
     * Pages are committed only as data waits; past the per-user pipe budget the kernel refuses and
     * the default stays.
     */
    private void deepen() {
        deepened = true;
        Libc.fcntl(fd, Libc.F_SETPIPE_SZ, DEEP_PIPE_BYTES);
    }

    /** The child was reaped: a pty master whose slave side is already closed can go now. Loop thread. */
    void processExited() {
        processGone = true;
        if (!reading) {
            shutdown();
        }
    }

    private void flush() {
        MemorySegment buf = loop.staging();
        byte[] head;
        while ((head = sink.head()) != null) {
            int off = sink.headOffset();
            int len = Math.min(head.length - off, IoLoop.STAGING_BYTES);
            MemorySegment.copy(head, off, buf, ValueLayout.JAVA_BYTE, 0, len);
            long n = Libc.write(fd, buf, len);
            if (n == -Errno.EAGAIN || n == -Errno.EINTR) {
                return;
            }
            if (n < 0) {
                sink.abandon();
                if (ring == null) {
                    shutdown();
                }
                return;
            }
            sink.advance((int) n);
        }
        if (!pty && sink.drainedForEof()) {
            sink.abandon();
            shutdown();
        } else if (pty && sink.drainedForEof()) {
            // A terminal has no half-close: EOF is the VEOF character (Ctrl-D), as a person would type it.
            buf.set(ValueLayout.JAVA_BYTE, 0, (byte) 4);
            Libc.write(fd, buf, 1);
            sink.abandon();
        }
    }

    private void update() {
        if (!open) {
            return;
        }
        if (sink != null && ring == null && !sink.isOpen() && sink.head() == null) {
            sink.abandon();
            shutdown();
            return;
        }
        int want = 0;
        if (reading) {
            boolean room = ring.writable() > 0;
            if (!room) {
                paused = true;
                // Re-check after publishing: a release racing with the flag must not be missed.
                room = ring.writable() > 0;
            }
            if (room) {
                paused = false;
                want |= Epoll.IN;
            }
        }
        if (sink != null && (sink.head() != null || sink.drainedForEof())) {
            want |= Epoll.OUT;
        }
        if (want == interest) {
            return;
        }
        // A descriptor with no interest leaves the set: epoll reports hang-ups regardless of the mask,
        // which would spin the loop while a backpressured ring is full.
        interest = want;
        if (want == 0) {
            if (registered) {
                loop.unregister(fd);
                registered = false;
            }
        } else if (!registered) {
            registered = true;
            loop.register(fd, want, this);
        } else {
            loop.interest(fd, want);
        }
    }

    /**
     * Writes stdin from the caller's thread, for {@link StdinSink} while nothing is queued (it holds
     * its lock, so the loop is not writing). Synchronized with {@link #shutdown} so the write can
     * never reach a closed, recycled descriptor.
     *
     * @return bytes written; 0 when the descriptor is closed, full, or failed (the loop, handed the
     *     bytes, then meets the same error and deals with it)
     */
    synchronized int writeNow(byte[] data, int off, int len) {
        if (!open) {
            return 0;
        }
        if (directBuffer == null) {
            directBuffer = java.lang.foreign.Arena.ofAuto().allocate(DIRECT_BYTES);
        }
        int n = Math.min(len, DIRECT_BYTES);
        MemorySegment.copy(data, off, directBuffer, ValueLayout.JAVA_BYTE, 0, n);
        long w = Libc.write(fd, directBuffer, n);
        return w > 0 ? (int) w : 0;
    }

    /**
     * Sets the window size of a pty master. Synchronized with {@link #shutdown} so the ioctl can never
     * reach a closed, recycled descriptor.
     *
     * @return false when the terminal is already closed
     */
    synchronized boolean resizeTerminal(int rows, int cols) {
        if (!open || !pty) {
            return false;
        }
        Pty.resize(fd, rows, cols);
        return true;
    }

    /** Closes the descriptor; the output ring, if any, is closed too. */
    synchronized void shutdown() {
        if (!open) {
            return;
        }
        open = false;
        if (ring != null && !ring.closed()) {
            ring.close();
        }
        if (registered) {
            loop.unregister(fd);
            registered = false;
        }
        Libc.close(fd);
    }
}
