package io.steward.daemon.session;

import io.steward.core.ManagedProcess;
import io.steward.core.Ring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A session's output written to its log files as it arrives: one virtual thread per stream follows
 * the ring with its own cursor and writes what it reads. Under drop-oldest a slow disk never holds up
 * the child (the ring goes on, and what it overwrote before the writer got there is counted as
 * dropped); under backpressure the writer is one of the ring's consumers, so the child runs at the
 * writer's pace and no byte is lost. A write that fails (a full disk) is counted as dropped and the
 * writer goes on: it skips for a second, then tries again, so it resumes once space returns. An idle
 * stream costs a parked virtual thread and no buffer: buffers come from a small shared pool only for
 * the time of a write. The writers follow the rings across restarts.
 */
public final class SessionLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SessionLog.class.getName());
    static final int BUFFER = 256 * 1024;
    /** After a failed write, how long output is skipped (and counted) before the disk is tried again. */
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Fewer bytes than this waiting are written after {@link #LINGER_MILLIS}, not at once. */
    static final int LINGER_BELOW = 4096;
    static final long LINGER_MILLIS = 2;
    /** How long a release waits for its writers to finish a write under way before deleting their files. */
    private static final java.time.Duration WRITER_STOP_WAIT = java.time.Duration.ofSeconds(5);
    /** Shared by every session: a burst in many sessions at once waits for a buffer rather than allocating. */
    private static final BlockingQueue<ByteBuffer> POOL = new ArrayBlockingQueue<>(8);

    /** Bytes written, and bytes the log files lack (dropped by the ring, or refused by the disk): one pair per daemon, for {@code /metrics}. */
    public record Counters(AtomicLong written, AtomicLong dropped) {
        public Counters() {
            this(new AtomicLong(), new AtomicLong());
        }
    }

    final LogFile out;
    final LogFile err;
    private final List<Thread> writers = new ArrayList<>();
    /** Held by a writer for a read, its write and its release: a hand-over takes it to find them between two. */
    private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
    private volatile Ring.Consumer outReader;
    /** The writers' start of a log taken over, until the take-over is done. */
    private volatile Runnable pending;
    private volatile Ring.Consumer errReader;

    /**
     * Starts writing {@code p}'s output to {@code <stem>.out.log} (and {@code .err.log} when stderr is
     * apart) in {@code dir}; {@code timed}: with when it arrived beside them ({@link LogTimes}).
     */
    public SessionLog(Path dir, String stem, ManagedProcess p, Counters counters, boolean timed) {
        this(dir, stem, p, timed);
        start(stem, p, counters, 0, 0);
    }

    private SessionLog(Path dir, String stem, ManagedProcess p, boolean timed) {
        this.out = new LogFile(dir.resolve(stem + ".out.log"), timed);
        this.err = p.stderr().isPresent() ? new LogFile(dir.resolve(stem + ".err.log"), timed) : null;
    }

    /**
     * The log a daemon before this one kept for {@code p}'s session, as {@link #handOver} wrote it:
     * the same files, appended from where its writers stopped.
     */
    public static SessionLog takeOver(Path dir, String stem, ManagedProcess p, Counters counters, boolean timed,
            java.io.DataInputStream in) throws IOException {
        SessionLog log = new SessionLog(dir, stem, p, timed);
        log.out.takeOver(in);
        long outFrom = in.readLong();
        long errFrom = in.readBoolean() ? takeOverErr(log, in) : 0;
        log.pending = () -> log.start(stem, p, counters, outFrom, errFrom);
        return log;
    }

    private static long takeOverErr(SessionLog log, java.io.DataInputStream in) throws IOException {
        log.err.takeOver(in);
        return in.readLong();
    }

    /**
     * Starts the writers of a log taken over: only once the daemon taking over serves, so that one
     * that fails to hands back to its predecessor with nothing written twice.
     */
    public void startTakenOver() {
        Runnable start = pending;
        pending = null;
        if (start != null) {
            start.run();
        }
    }

    /**
     * Holds the writers between two writes, for a hand-over: what the files hold and where the
     * writers are then say the same. They stay held (the daemon is replaced) unless {@link #resume}d.
     */
    public void pause() {
        writing.lock();
    }

    public void resume() {
        writing.unlock();
    }

    /** The files' state and the writers' positions; {@link #pause} first. */
    public void handOver(java.io.DataOutputStream o) throws IOException {
        out.handOver(o);
        o.writeLong(outReader.position());
        o.writeBoolean(err != null);
        if (err != null) {
            err.handOver(o);
            o.writeLong(errReader.position());
        }
    }

    private void start(String stem, ManagedProcess p, Counters counters, long outFrom, long errFrom) {
        // Consumers are registered here, before anyone can attach: from the first byte, nothing is
        // freed under backpressure before the writer has it.
        outReader = p.stdout().consumer(outFrom);
        Ring.Consumer o = outReader;
        writers.add(Thread.ofVirtual().name("log-" + stem + "-out").start(() -> follow(p.stdout(), o, out, counters)));
        p.stderr().ifPresent(ring -> {
            errReader = ring.consumer(errFrom);
            Ring.Consumer e = errReader;
            writers.add(Thread.ofVirtual().name("log-" + stem + "-err").start(() -> follow(ring, e, err, counters)));
        });
    }

    private void follow(Ring ring, Ring.Consumer reader, LogFile file, Counters counters) {
        long skipped = 0;
        long retryAt = 0;
        boolean failing = false;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                // Through the ring's close: a restart writes on into it, until the session goes.
                if (!ring.awaitBytes(reader.position(), 1, TimeUnit.HOURS)) {
                    continue;
                }
                // A few bytes are typing and its echo: the file can wait a moment, an attached
                // client cannot, so the write comes after the echo went out instead of competing
                // with it for a CPU (and a burst of keys is one write).
                if (ring.end() - reader.position() < LINGER_BELOW && !ring.closed()) {
                    Thread.sleep(LINGER_MILLIS);
                }
                writing.lockInterruptibly();
                ByteBuffer buf = POOL.poll();
                if (buf == null) {
                    buf = ByteBuffer.allocateDirect(BUFFER);
                }
                try {
                    int n = reader.read(buf, 0, BUFFER, 0);
                    if (reader.skipped() > skipped) {
                        counters.dropped().addAndGet(reader.skipped() - skipped);
                        skipped = reader.skipped();
                    }
                    if (n <= 0) {
                        continue;
                    }
                    if (failing && System.nanoTime() - retryAt < 0) {
                        counters.dropped().addAndGet(n);
                    } else {
                        try {
                            long from = reader.position() - n;
                            file.append(buf.limit(n).position(0), from, ring.arrivals(from, from + n));
                            counters.written().addAndGet(n);
                            if (failing) {
                                failing = false;
                                LOG.info("log writer for " + file.path(0) + " resumed");
                            }
                        } catch (IOException | UncheckedIOException e) {
                            counters.dropped().addAndGet(n);
                            if (!failing) {
                                LOG.warning("cannot write " + file.path(0) + " (" + e.getMessage()
                                        + "): output is counted as dropped from the log until the write succeeds");
                            }
                            failing = true;
                            retryAt = System.nanoTime() + RETRY_NANOS;
                        }
                    }
                    reader.release();
                } finally {
                    writing.unlock();
                    POOL.offer(buf.clear());
                }
            }
        } catch (InterruptedException e) {
            // the session was released: stop writing
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "log writer stopped", e);
        } finally {
            reader.close();
        }
    }

    /** The log of a stream ({@code stdout}/{@code pty} or {@code stderr}), or null. */
    public LogFile file(String stream) {
        return "stderr".equals(stream) ? err : out;
    }

    public void flush() throws IOException {
        out.flush();
        if (err != null) {
            err.flush();
        }
    }

    /**
     * {@link #close}, then, once the writers have stopped (a write under way finishes first), deletes
     * the log files, rotated ones too: a released session leaves nothing on disk.
     */
    public void closeAndDelete() {
        close();
        try {
            for (Thread t : writers) {
                if (!t.join(WRITER_STOP_WAIT)) {
                    LOG.warning("log writer " + t.getName() + " did not stop; deleting its files anyway");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (LogFile f : err != null ? List.of(out, err) : List.of(out)) {
            try {
                f.delete();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot delete " + f.path(0), e);
            }
        }
    }

    @Override
    public void close() {
        for (Thread t : writers) {
            t.interrupt();
        }
    }
}
