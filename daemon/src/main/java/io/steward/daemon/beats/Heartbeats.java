package io.steward.daemon.beats;

import io.steward.api.BeatStats;
import io.steward.api.HeartbeatEvent;
import io.steward.api.StewardHome;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.Session;
import io.steward.daemon.session.SessionRegistry;
import io.steward.heartbeat.BeatTracker;
import io.steward.heartbeat.Frame;
import io.steward.heartbeat.NotifyParser;
import io.steward.sys.DatagramBatch;
import io.steward.sys.Epoll;
import io.steward.sys.Libc;
import io.steward.sys.NativeException;
import io.steward.sys.ReceivedDatagram;
import io.steward.sys.UnixDatagram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The heartbeat thread: one epoll over every session's own sockets (VLP beats, and sd_notify when
 * asked for) and the optional UDP listener. It drains each as soon as it is readable (the kernel
 * queues only about a dozen datagrams per Unix socket; a socket per session means a session that
 * floods fills only its own queue), and every tick looks for sessions that have gone silent, after
 * taking what is already queued. The tracker, the decoders and the receive buffer belong to this
 * thread, so the beat path takes no lock and allocates nothing.
 */
public final class Heartbeats implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Heartbeats.class.getName());
    /** How often silence is checked while some session is watched: the slack a stall may take to be seen. */
    public static final int TICK_MILLIS = 100;
    /** Datagrams taken by one recvmmsg. */
    private static final int BATCH = 64;
    /** Batches taken from one socket per wake-up, so one busy sender cannot starve the others. */
    private static final int BATCHES_PER_WAKE = 8;
    /**
     * A tick this much later than due means the thread could not watch meanwhile (the daemon was
     * stopped or starved); the silence it did not see is not held against anyone. Far above the
     * lateness of a busy machine or a GC pause.
     */
    static final long GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long TOKEN_WAKE = -1;
    private static final long TOKEN_UDP = -3;

    /**
     * @param udp where the UDP listener binds, or null for none (the default)
     * @param allowUnverifiedRecovery let beats from the UDP listener trigger recovery
     */
    public record Config(InetSocketAddress udp, boolean allowUnverifiedRecovery) {
        public static final Config DEFAULT = new Config(null, false);
    }

    private final Epoll epoll = new Epoll(64);
    private final int wakeFd = Epoll.eventfd();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment bell = arena.allocate(8, 8);
    private final MemorySegment buffer = arena.allocate(NotifyParser.MAX_DATAGRAM, 8);
    private final ReceivedDatagram received = new ReceivedDatagram();
    /** VLP frames are 32 bytes; anything longer is cut, reported truncated, and counted as BadLength. */
    private final DatagramBatch batch = new DatagramBatch(BATCH, 64, UnixDatagram.DEFAULT_CONTROL_SIZE);
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final SessionSockets sockets;
    private final UnixDatagram udp;
    private final BeatTracker tracker = new BeatTracker(BeatTracker.Limits.DEFAULT);
    private final BeatCounters counters = new BeatCounters();
    private final SessionRegistry registry;
    private final StallWatch watch;
    private final BeatIntake intake;
    private final NotifyIntake notify;
    private final EventGate gate;
    private final Thread thread;
    private volatile boolean closed;
    /** When silence is next checked; heartbeat thread only. Nobody watched: never, until {@link #watchNow}. */
    private long nextTick = System.nanoTime();
    private boolean ticking = true;

    public Heartbeats(StewardHome home, Config config, SessionRegistry registry, Events events) {
        this(home, config, registry, events, false);
    }

    /** @param handedOver the sessions' sockets are a predecessor's, handed over: adopted, not cleared */
    public Heartbeats(StewardHome home, Config config, SessionRegistry registry, Events events, boolean handedOver) {
        this.registry = registry;
        this.gate = new EventGate(events);
        this.watch = new StallWatch(events, counters, config.allowUnverifiedRecovery());
        this.intake = new BeatIntake(tracker, counters, gate, registry, watch);
        this.notify = new NotifyIntake(counters, gate, events, watch, this::startTicking);
        this.sockets = new SessionSockets(home.file("beats"), home.file("notify"), epoll, handedOver);
        this.udp = config.udp() != null ? UnixDatagram.udp(config.udp()) : null;
        epoll.add(wakeFd, Epoll.IN, TOKEN_WAKE);
        if (udp != null) {
            udp.receiveBuffer(4 * 1024 * 1024);
            epoll.add(udp.fd(), Epoll.IN, TOKEN_UDP);
        }
        thread = Thread.ofPlatform().name("steward-beats").daemon(true).unstarted(this::run);
        thread.start();
    }

    /** The directory of the sessions' VLP sockets, each told to its session in {@code STEWARD_BEAT_SOCKET}. */
    public Path beatSocketDir() {
        return sockets.beatsDir();
    }

    /** The UDP listener's port, or 0 when there is none. */
    public int udpPort() {
        return udp != null ? udp.localPort() : 0;
    }

    /**
     * Binds one of the own sockets of a session about to start; any thread. Its path goes into the
     * session's environment; it is polled once the session is {@link #attach attached}.
     */
    public SessionSocket open(SessionSocket.Kind kind, String tag) {
        return sockets.open(kind, tag);
    }

    /** A session's socket a daemon before this one handed over as {@code fd}; attach it as a new one. */
    public SessionSocket adopt(SessionSocket.Kind kind, String tag, int fd) {
        return sockets.adopt(kind, tag, fd);
    }

    /** The sockets of {@code session}, for a hand-over; the heartbeat thread must be held. */
    public java.util.List<SessionSocket> socketsOf(Session session) {
        return sockets.of(session);
    }

    /** The session exists: its sockets (null ones skipped) are polled from now on, for it alone. */
    public void attach(Session session, SessionSocket... own) {
        execute(() -> {
            for (SessionSocket s : own) {
                if (s != null) {
                    sockets.attach(s, session);
                }
            }
        });
    }

    /** Closes the sockets of a session that never started (null ones skipped), and removes their files. */
    public void discard(SessionSocket... opened) {
        execute(() -> {
            for (SessionSocket s : opened) {
                if (s != null) {
                    sockets.close(s);
                }
            }
        });
    }

    /** The session was released: its sockets are closed and their files removed. */
    public void release(Session session) {
        execute(() -> sockets.closeOf(session));
    }

    public BeatCounters counters() {
        return counters;
    }

    /** Runs {@code task} on the heartbeat thread. */
    public void execute(Runnable task) {
        tasks.add(task);
        bell.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 1);
        Libc.write(wakeFd, bell, 8);
    }

    /** The tracked agents, as {@code steward beats} shows them, and where the sessions' beat sockets are. */
    public BeatStats stats() {
        CompletableFuture<List<BeatStats.Agent>> out = new CompletableFuture<>();
        execute(() -> out.complete(agents(System.nanoTime())));
        try {
            return new BeatStats(out.get(5, TimeUnit.SECONDS), beatSocketDir().toString());
        } catch (Exception e) {
            throw new IllegalStateException("the heartbeat thread did not answer", e);
        }
    }

    private List<BeatStats.Agent> agents(long now) {
        List<BeatStats.Agent> out = new ArrayList<>();
        for (BeatTracker.Agent a : tracker.agents(now)) {
            Session s = BeatIntake.ownerOf(tracker, a.pid());
            out.add(new BeatStats.Agent(a.pid(), s != null ? s.id() : null, s != null ? s.name() : null,
                    a.origin().api(), status(a.status()), a.lastNonce(),
                    Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(a.silentNanos())), a.beats(),
                    s != null ? s.vitals().stalls() : a.stalls(), s != null && s.vitals().stalled(),
                    a.nsInode() != 0 ? a.nsInode() : null));
        }
        return out;
    }

    private static BeatStats.Status status(Frame.Status s) {
        return switch (s) {
            case OK -> BeatStats.Status.OK;
            case DEGRADED -> BeatStats.Status.DEGRADED;
            case CRITICAL -> BeatStats.Status.CRITICAL;
        };
    }

    /** Forgets the agents a session's process had: it exited, and its pids may be reused. */
    public void forget(Session s) {
        execute(() -> {
            for (BeatTracker.Agent a : tracker.agents(System.nanoTime())) {
                if (BeatIntake.ownerOf(tracker, a.pid()) == s) {
                    tracker.forget(a.pid());
                }
            }
        });
    }

    public void render(StringBuilder b) {
        counters.render(b, tracker.evictions(), tracker.size());
        b.append("# HELP steward_session_sockets the sessions' own beat and notify sockets open now\n")
                .append("# TYPE steward_session_sockets gauge\n")
                .append("steward_session_sockets ").append(sockets.size()).append('\n');
        // What the beat path costs the heap: flat while beats flow is the proof it allocates nothing.
        b.append("# HELP steward_beat_thread_allocated_bytes bytes the heartbeat thread has allocated\n")
                .append("# TYPE steward_beat_thread_allocated_bytes counter\n")
                .append("steward_beat_thread_allocated_bytes ")
                .append(((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                        .getThreadAllocatedBytes(thread.threadId()))
                .append('\n');
    }

    /**
     * Starts the ticks again if they had stopped: a watched session was just started. (Ticks that
     * run on are left alone, so a late one is still seen as late.)
     */
    public void watchNow() {
        execute(this::startTicking);
    }

    /** Heartbeat thread only. */
    private void startTicking() {
        if (!ticking) {
            nextTick = System.nanoTime();
            ticking = true;
        }
    }

    private void run() {
        while (!closed) {
            dispatch(await(ticking
                    ? (int) Math.max(0, TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime()) + 1) : -1));
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "heartbeat task failed", e);
                }
            }
            long now = System.nanoTime();
            if (ticking && now - nextTick >= 0) {
                // What is queued now was sent before this moment: take it before judging silence.
                dispatch(await(0));
                now = System.nanoTime();
                long late = now - nextTick;
                if (late > GAP_NANOS) {
                    watch.clockGap(registry.all(), now, late);
                }
                watch.tick(registry.all(), now);
                // With no watched session left, sleep until one is started (watchNow wakes us).
                ticking = watching();
                nextTick = now + TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
            }
        }
    }

    /** Waits for readiness; a failed wait is reported and counts as none. */
    private int await(int timeoutMillis) {
        try {
            return epoll.await(timeoutMillis);
        } catch (NativeException e) {
            ioError("epoll_wait", e);
            return 0;
        }
    }

    /** Drains every socket the last wait reported readable. */
    private void dispatch(int n) {
        for (int i = 0; i < n; i++) {
            long token = epoll.token(i);
            try {
                if (token == TOKEN_WAKE) {
                    Libc.read(wakeFd, bell, 8);
                } else if (token == TOKEN_UDP) {
                    drainBeats(udp, null);
                } else {
                    drain(sockets.byFd((int) token));
                }
            } catch (RuntimeException e) {
                ioError("receive", e);
            }
        }
    }

    private void drain(SessionSocket s) {
        if (s == null) {
            return; // closed since the wait reported it
        }
        Session session = s.session();
        if (session == null) {
            sockets.park(s);
        } else if (s.kind == SessionSocket.Kind.BEATS) {
            drainBeats(s.socket, session);
        } else {
            notify.drain(s, buffer, received);
        }
    }

    /** A failed wait or receive: counted, logged, and an {@code io} event (at most one a second). */
    private void ioError(String what, RuntimeException e) {
        LOG.log(Level.WARNING, "heartbeat " + what + " failed", e);
        counters.io();
        long now = System.nanoTime();
        if (gate.open("io", now)) {
            String error = String.valueOf(e.getMessage());
            gate.publish("io", now, (seq, at, suppressed) -> new HeartbeatEvent.Io(seq, at, what, error, suppressed));
        }
    }

    private boolean watching() {
        for (Session s : registry.all()) {
            if (s.vitals().watched() && s.live()) {
                return true;
            }
        }
        return false;
    }

    /** @param session the session whose socket it is; null for the UDP listener */
    private void drainBeats(UnixDatagram socket, Session session) {
        int n;
        for (int round = 0; round < BATCHES_PER_WAKE && (n = batch.receive(socket)) > 0; round++) {
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (session == null) {
                    intake.udp(batch.payload(i), batch.datagram(i), now);
                } else {
                    intake.unix(session, batch.payload(i), batch.datagram(i), now);
                }
            }
        }
        batch.closeFds();
    }

    @Override
    public void close() {
        closed = true;
        execute(() -> { });
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sockets.closeAll();
        if (udp != null) {
            udp.close();
        }
        Libc.close(wakeFd);
        epoll.close();
        batch.close();
        closeArena();
    }

    /**
     * Closes the shared arena of the sockets' buffers. A request thread may still be in a native
     * call with one of them (a session's socket opened while the daemon stops), which makes a close
     * throw; it is tried again for a moment, and otherwise left to the end of the process.
     */
    private void closeArena() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (arena.scope().isAlive()) {
            try {
                arena.close();
            } catch (IllegalStateException inUse) {
                if (System.nanoTime() > deadline) {
                    return;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }
}
