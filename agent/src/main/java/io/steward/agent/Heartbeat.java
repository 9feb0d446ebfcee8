package io.steward.agent;

import io.steward.heartbeat.Frame;
import io.steward.heartbeat.VlpCodec;
import io.steward.heartbeat.VlpEncoder;
import io.steward.sys.UnixAddress;
import io.steward.sys.UnixDatagram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Heartbeats from a Java program to the steward daemon that supervises it: VLP v0.2 frames, one
 * Unix datagram each, to the socket named by {@value #SOCKET_ENV}. The kernel tells the daemon
 * which process sent each datagram, and a frame counts only when the pid inside it is that one, so
 * every frame carries this process's own pid.
 *
 * <pre>{@code
 * Heartbeat hb = Heartbeat.fromEnvironment().orElse(null);   // null when not run by steward
 * if (hb != null) {
 *     hb.startPeriodic(Duration.ofSeconds(1));                // one daemon thread
 *     Runtime.getRuntime().addShutdownHook(new Thread(hb::close)); // stops the beats
 * }
 * }</pre>
 *
 * <p>Nonces start at 1 and increase by one per frame attempted, dropped ones included, so the
 * daemon sees them strictly increasing. {@link #panic()} sends the terminal nonce
 * ({@link Frame#TERMINAL_NONCE}) with status critical; once it has gone out, nothing more is sent.
 * There is no "sign-off" frame: VLP v0.2 allows the terminal nonce only with status critical, so a
 * program that ends in order simply stops beating, and its session's exit ends the watch.
 *
 * <p>A beat never blocks and never throws for the daemon's state: when the daemon's queue is full
 * (EAGAIN), nobody is bound at the path (ENOENT, ECONNREFUSED) or the send fails otherwise, the beat
 * returns false and is counted in {@link #dropped()}; {@link #lastDropErrno()} says why. Past
 * {@link #open}, a beat allocates nothing: the frame is encoded into a native segment made once and
 * sent from there.
 *
 * <p>Thread-safe: any thread may beat, and the frames of all threads go out one at a time under one
 * lock (uncontended when one thread beats), so their nonces reach the socket in increasing order.
 */
public final class Heartbeat implements AutoCloseable {
    /** The variable steward sets for every session it starts: the path of the daemon's beat socket. */
    public static final String SOCKET_ENV = "STEWARD_BEAT_SOCKET";

    private final Object lock = new Object();
    private final UnixDatagram socket;
    private final UnixAddress address;
    private final Arena arena;
    private final MemorySegment wire;
    private final VlpEncoder encoder = new VlpEncoder();
    private final int pid;

    // guarded by lock
    private long nonce;
    private boolean closed;
    private Frame.Status periodicStatus = Frame.Status.OK;
    private int periodicPayload;
    private Thread periodic;

    // written under lock, read anywhere
    private volatile boolean finished;
    private volatile long sent;
    private volatile long dropped;
    private volatile int lastDropErrno;

    private Heartbeat(Path path) {
        this.address = UnixAddress.of(path);
        this.pid = (int) ProcessHandle.current().pid();
        this.socket = UnixDatagram.unbound();
        this.arena = Arena.ofShared();
        this.wire = arena.allocate(VlpCodec.FRAME_BYTES, 8);
    }

    /**
     * A heartbeat to the socket named by {@value #SOCKET_ENV}, or empty when the variable is unset or
     * empty (the program was not started by steward).
     *
     * @throws IllegalArgumentException when the path does not fit a Unix socket address (107 bytes)
     */
    public static Optional<Heartbeat> fromEnvironment() {
        String path = System.getenv(SOCKET_ENV);
        if (path == null || path.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(open(Path.of(path)));
    }

    /**
     * A heartbeat to the socket at {@code socket}. Nothing needs to be listening yet: beats sent while
     * no one is are dropped and counted.
     *
     * @throws IllegalArgumentException when the path does not fit a Unix socket address (107 bytes)
     * @throws io.steward.sys.NativeException when no socket can be made (out of descriptors)
     */
    public static Heartbeat open(Path socket) {
        return new Heartbeat(Objects.requireNonNull(socket, "socket"));
    }

    /** A beat with status ok; false when it was dropped (or this heartbeat is finished or closed). */
    public boolean beat() {
        return beat(Frame.Status.OK, 0);
    }

    /** A beat with {@code status}; false when it was dropped (or this heartbeat is finished or closed). */
    public boolean beat(Frame.Status status) {
        return beat(status, 0);
    }

    /**
     * A beat with {@code status} and {@code payload} (a u32 opaque to steward); false when it was
     * dropped (or this heartbeat is finished or closed, which is not counted as a drop).
     */
    public boolean beat(Frame.Status status, int payload) {
        Objects.requireNonNull(status, "status");
        synchronized (lock) {
            if (closed || finished) {
                return false;
            }
            long n = nonce + 1;
            if (n == Frame.TERMINAL_NONCE) {
                n = 0; // where a u64 counter wraps to; the daemon accepts the wrap
            }
            nonce = n;
            return send(status, n, payload);
        }
    }

    /**
     * The last frame of a program that failed beyond recovery: the terminal nonce with status
     * critical, which steward reports as a panic. Once it is sent nothing more is.
     *
     * @return true when it was sent
     */
    public boolean panic() {
        return terminal(Frame.Status.CRITICAL);
    }

    private boolean terminal(Frame.Status status) {
        synchronized (lock) {
            if (closed || finished) {
                return false;
            }
            boolean ok = send(status, Frame.TERMINAL_NONCE, 0);
            if (ok) {
                finished = true;
            }
            return ok;
        }
    }

    /** Encodes into the native frame and sends it; holds the lock. */
    private boolean send(Frame.Status status, long n, int payload) {
        encoder.encode(status, pid, System.nanoTime(), n, payload, wire, 0);
        long r = socket.send(address, wire, VlpCodec.FRAME_BYTES);
        if (r == VlpCodec.FRAME_BYTES) {
            sent++;
            return true;
        }
        dropped++;
        lastDropErrno = r < 0 ? (int) -r : 0;
        return false;
    }

    /**
     * The status and payload the periodic beats carry from now on (ok and 0 until this is called),
     * e.g. {@code DEGRADED} while a dependency is down.
     */
    public void status(Frame.Status status, int payload) {
        Objects.requireNonNull(status, "status");
        synchronized (lock) {
            periodicStatus = status;
            periodicPayload = payload;
        }
    }

    /**
     * Beats at once and then every {@code interval} from one daemon thread ({@code steward-heartbeat}),
     * with the status set by {@link #status}. A tick that comes late (the machine was busy) is not
     * made up for with a burst. The thread ends with {@link #stopPeriodic}, {@link #close}, or once a
     * terminal frame is sent.
     *
     * @throws IllegalStateException when periodic beats already run or this heartbeat is closed
     */
    public void startPeriodic(Duration interval) {
        long nanos = interval.toNanos();
        if (nanos <= 0) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("heartbeat closed");
            }
            if (periodic != null) {
                throw new IllegalStateException("periodic beats already run");
            }
            Thread t = Thread.ofPlatform().daemon().name("steward-heartbeat").unstarted(() -> runPeriodic(nanos));
            periodic = t;
            t.start();
        }
    }

    private void runPeriodic(long interval) {
        Thread self = Thread.currentThread();
        long next = System.nanoTime();
        while (!finished && periodicThread() == self) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
                continue;
            }
            synchronized (lock) {
                if (periodic != self) {
                    return;
                }
                beat(periodicStatus, periodicPayload);
            }
            next += interval;
            long now = System.nanoTime();
            if (next - now < 0) {
                next = now + interval;
            }
        }
    }

    private Thread periodicThread() {
        synchronized (lock) {
            return periodic;
        }
    }

    /** Stops the periodic beats and waits for their thread to end; nothing happens when none run. */
    public void stopPeriodic() {
        Thread t;
        synchronized (lock) {
            t = periodic;
            periodic = null;
        }
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        LockSupport.unpark(t);
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Frames sent, terminal ones included. */
    public long sent() {
        return sent;
    }

    /** Frames dropped: the daemon's queue was full, nobody listened, or the send failed otherwise. */
    public long dropped() {
        return dropped;
    }

    /** The errno of the last drop ({@code io.steward.sys.Errno} names it), 0 before any. */
    public int lastDropErrno() {
        return lastDropErrno;
    }

    /** The pid every frame carries: this process's. */
    public int pid() {
        return pid;
    }

    /** The socket this heartbeat sends to. */
    public Path socketPath() {
        return address.path();
    }

    /**
     * Stops the periodic beats and closes the socket. Later beats return false. Idempotent.
     */
    @Override
    public void close() {
        stopPeriodic();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            socket.close();
            arena.close();
        }
    }
}
