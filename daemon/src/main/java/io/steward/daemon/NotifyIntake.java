package io.steward.daemon;

import io.steward.api.Json;
import io.steward.heartbeat.NotifyMessage;
import io.steward.heartbeat.NotifyParser;
import io.steward.heartbeat.NotifyResult;
import io.steward.heartbeat.Origin;
import io.steward.sys.Epoll;
import io.steward.sys.ReceivedDatagram;
import io.steward.sys.UnixDatagram;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * systemd's notify protocol, one socket per session so every datagram is attributed to its
 * session; a sender outside the session's process tree is refused. The sockets live in
 * {@code $STEWARD_HOME/notify}. Datagrams are drained and handled on the heartbeat thread.
 */
final class NotifyIntake {
    /** One session's notify socket. */
    static final class Endpoint {
        final UnixDatagram socket;
        /** Set on the heartbeat thread once the session exists; until then datagrams wait in the socket. */
        private Session session;

        private Endpoint(UnixDatagram socket) {
            this.socket = socket;
        }

        Path path() {
            return socket.path();
        }
    }

    private final Path dir;
    private final Epoll epoll;
    private final BeatCounters counters;
    private final EventGate gate;
    private final Events events;
    private final StallWatch watch;
    private final Map<Integer, Endpoint> byFd = new ConcurrentHashMap<>();
    private final byte[] bytes = new byte[NotifyParser.MAX_DATAGRAM];

    private final Runnable watched;

    /** @param watched called (on the heartbeat thread) when a session sets its own watchdog interval */
    NotifyIntake(Path dir, Epoll epoll, BeatCounters counters, EventGate gate, Events events, StallWatch watch,
            Runnable watched) {
        this.watched = watched;
        this.dir = dir;
        this.epoll = epoll;
        this.counters = counters;
        this.gate = gate;
        this.events = events;
        this.watch = watch;
    }

    /** Binds a socket for a session about to start (its path goes into {@code NOTIFY_SOCKET}). */
    Endpoint open(String tag) {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        Endpoint e = new Endpoint(UnixDatagram.bind(dir.resolve(tag)));
        byFd.put(e.socket.fd(), e);
        epoll.add(e.socket.fd(), Epoll.IN, e.socket.fd());
        return e;
    }

    /**
     * Hands the endpoint its session. A fast program may have written before its session existed:
     * its datagrams waited in the socket (see {@link #drain}) and are read now.
     * Heartbeat thread only.
     */
    void attach(Endpoint e, Session s) {
        e.session = s;
        if (byFd.get(e.socket.fd()) == e) {
            epoll.modify(e.socket.fd(), Epoll.IN, e.socket.fd());
        }
    }

    /** Closes a session's socket and removes its file. Heartbeat thread only. */
    void close(Endpoint e) {
        if (byFd.remove(e.socket.fd(), e)) {
            epoll.remove(e.socket.fd());
            e.socket.close();
            try {
                Files.deleteIfExists(e.path());
            } catch (IOException ignored) {
                // a stale socket file is removed by the next bind of that name
            }
        }
    }

    void closeAll() {
        for (Endpoint e : byFd.values()) {
            close(e);
        }
    }

    void drain(int fd, MemorySegment buffer, ReceivedDatagram r) {
        Endpoint e = byFd.get(fd);
        if (e == null) {
            return;
        }
        Session s = e.session;
        if (s == null) {
            // Not attached yet: leave the datagrams queued and stop polling until attach re-arms.
            epoll.modify(e.socket.fd(), 0, e.socket.fd());
            return;
        }
        for (int i = 0; i < 64 && e.socket.receive(buffer, r); i++) {
            handle(s, buffer, r, System.nanoTime());
            counters.notifyFdsClosed(r.fdCount());
            r.closeFds();
        }
    }

    private void handle(Session s, MemorySegment buffer, ReceivedDatagram r, long now) {
        if (r.controlTruncated()) {
            counters.drop(BeatCounters.Drop.CTRL_TRUNCATED);
            if (gate.open("ctrl-truncated", now)) {
                gate.publish("ctrl-truncated", now, "session", s.id, "length", r.length());
            }
            return;
        }
        if (!r.hasCredentials()) {
            counters.drop(BeatCounters.Drop.NO_CREDENTIALS);
            return;
        }
        if (r.truncated()) {
            counters.notifyRefused(io.steward.heartbeat.NotifyRefusal.TOO_LARGE);
            return;
        }
        int len = r.length();
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, bytes, 0, len);
        NotifyResult result = NotifyParser.parse(bytes, 0, len);
        if (result instanceof NotifyResult.Refused refused) {
            counters.notifyRefused(refused.reason());
            return;
        }
        if (!Senders.belongsTo(r.pid(), s)) {
            counters.drop(BeatCounters.Drop.FOREIGN_SENDER);
            if (gate.open("auth-failure", now)) {
                gate.publish("auth-failure", now, "session", s.id, "senderPid", r.pid(), "transport", "notify");
            }
            return;
        }
        counters.notifyMessage();
        apply(s, ((NotifyResult.Accepted) result).message(), r.pid(), now);
    }

    private void apply(Session s, NotifyMessage m, int pid, long now) {
        Vitals v = s.vitals;
        m.mainPid().ifPresent(p -> {
            if (Senders.belongsTo(p, s)) {
                v.mainPid(p);
            }
        });
        m.errno().ifPresent(v::errno);
        m.watchdogUsec().ifPresent(us -> {
            v.threshold(us * 1000);
            watched.run();
        });
        m.extendTimeoutUsec().ifPresent(us -> v.extend(us, now));
        if (m.watchdog() == NotifyMessage.Watchdog.PING && v.proof(pid, Origin.KERNEL_ATTESTED, false, now)) {
            watch.resumed(s, pid, now);
        }
        if (m.status().isPresent()) {
            v.status(m.status().get());
            events.publish("status", Json.object("session", s.id, "name", s.name(), "status", v.status()));
        }
        if (m.ready() && !m.stopping() && !v.isReady()) {
            v.ready(now);
            events.publish("ready", Json.object("session", s.id, "name", s.name(), "pid", pid));
            v.announceReady();
        }
        if (m.stopping()) {
            v.stopping();
        }
        if (m.watchdog() == NotifyMessage.Watchdog.TRIGGER) {
            watch.triggered(s, pid, now);
        }
    }
}
