package io.steward.daemon.beats;

import io.steward.daemon.session.Session;
import io.steward.daemon.session.SessionIds;
import io.steward.sys.Epoll;
import io.steward.sys.UnixDatagram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

/**
 * The sessions' own sockets ({@link SessionSocket}): bound under {@code $STEWARD_HOME/beats/} and
 * {@code $STEWARD_HOME/notify/} (0700 directories, 0600 sockets), in the heartbeat thread's epoll
 * set with their descriptor as token, and closed and removed when their session is released.
 * The socket behind a token is found in an array indexed by descriptor, so a wake-up allocates
 * nothing (a map would box the key each time).
 */
final class SessionSockets {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int SUN_PATH_MAX = 108;
    private final Path beatsDir;
    private final Path notifyDir;
    private final Epoll epoll;
    /** Written under {@code this} (replaced whole when it grows), read by the heartbeat thread without a lock. */
    private volatile AtomicReferenceArray<SessionSocket> byFd = new AtomicReferenceArray<>(256);
    private int open;

    /**
     * Removes the sockets a daemon that died without closing them left (their sessions were ended
     * with it), unless {@code handedOver}: then they are the live sessions' own, and are adopted.
     */
    SessionSockets(Path beatsDir, Path notifyDir, Epoll epoll, boolean handedOver) {
        this.beatsDir = beatsDir;
        this.notifyDir = notifyDir;
        this.epoll = epoll;
        for (Path dir : new Path[] {beatsDir, notifyDir}) {
            Path longest = dir.resolve("x".repeat(SessionIds.AUDIT_TAG_LENGTH));
            if (longest.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= SUN_PATH_MAX) {
                throw new IllegalStateException("STEWARD_HOME is too long for the sessions' sockets: " + longest
                        + " would pass the " + (SUN_PATH_MAX - 1) + " bytes a Unix socket path may take");
            }
        }
        if (!handedOver) {
            removeStale(beatsDir);
            removeStale(notifyDir);
        }
    }

    private static void removeStale(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) instanceof Integer mode
                        && (mode & S_IFMT) == S_IFSOCK) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (NoSuchFileException e) {
            // no daemon ran here before
        } catch (IOException e) {
            throw new IllegalStateException("cannot clear " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The directory of the sessions' beat sockets. */
    Path beatsDir() {
        return beatsDir;
    }

    /** Binds a socket for a session about to start; any thread. Its path goes into the session's environment. */
    SessionSocket open(SessionSocket.Kind kind, String tag) {
        Path dir = kind == SessionSocket.Kind.BEATS ? beatsDir : notifyDir;
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        return register(new SessionSocket(kind, UnixDatagram.bind(dir.resolve(tag))));
    }

    /** A session's socket a daemon before this one bound and handed over as {@code fd}. */
    SessionSocket adopt(SessionSocket.Kind kind, String tag, int fd) {
        Path dir = kind == SessionSocket.Kind.BEATS ? beatsDir : notifyDir;
        return register(new SessionSocket(kind, UnixDatagram.adopt(fd, dir.resolve(tag))));
    }

    private SessionSocket register(SessionSocket s) {
        int fd = s.socket.fd();
        synchronized (this) {
            AtomicReferenceArray<SessionSocket> a = byFd;
            if (fd >= a.length()) {
                AtomicReferenceArray<SessionSocket> grown = new AtomicReferenceArray<>(Math.max(fd + 1, a.length() * 2));
                for (int i = 0; i < a.length(); i++) {
                    grown.set(i, a.get(i));
                }
                byFd = a = grown;
            }
            a.set(fd, s);
            open++;
        }
        epoll.add(fd, Epoll.IN, fd);
        return s;
    }

    /** The socket behind an epoll token, or null when it was closed meanwhile. */
    SessionSocket byFd(int fd) {
        AtomicReferenceArray<SessionSocket> a = byFd;
        return fd >= 0 && fd < a.length() ? a.get(fd) : null;
    }

    /**
     * A socket reported readable before its session was attached: polled no more until it is, so
     * the thread does not spin on it; its datagrams wait in the queue. Heartbeat thread only.
     */
    void park(SessionSocket s) {
        epoll.modify(s.socket.fd(), 0, s.socket.fd());
    }

    /** Hands the socket its session and polls it (again). Heartbeat thread only. */
    void attach(SessionSocket s, Session session) {
        s.session(session);
        if (byFd(s.socket.fd()) == s) {
            epoll.modify(s.socket.fd(), Epoll.IN, s.socket.fd());
        }
    }

    /** Closes a session's socket and removes its file. Heartbeat thread only (or after it ended). */
    void close(SessionSocket s) {
        int fd = s.socket.fd();
        if (!byFd.compareAndSet(fd, s, null)) {
            return;
        }
        epoll.remove(fd);
        s.socket.close();
        try {
            Files.deleteIfExists(s.path());
        } catch (IOException ignored) {
            // a stale socket file is removed by the next bind of that name
        }
        // Counted down last: a socket counted gone has its file gone too.
        synchronized (this) {
            open--;
        }
    }

    /** The sockets attached to {@code session}. */
    List<SessionSocket> of(Session session) {
        List<SessionSocket> all = new ArrayList<>();
        AtomicReferenceArray<SessionSocket> a = byFd;
        for (int i = 0; i < a.length(); i++) {
            SessionSocket s = a.get(i);
            if (s != null && s.session() == session) {
                all.add(s);
            }
        }
        return all;
    }

    void closeAll() {
        closeWhere(s -> true);
    }

    /** Closes the sockets attached to {@code session}. Heartbeat thread only. */
    void closeOf(Session session) {
        closeWhere(s -> s.session() == session);
    }

    private void closeWhere(Predicate<SessionSocket> which) {
        List<SessionSocket> all = new ArrayList<>();
        AtomicReferenceArray<SessionSocket> a = byFd;
        for (int i = 0; i < a.length(); i++) {
            SessionSocket s = a.get(i);
            if (s != null && which.test(s)) {
                all.add(s);
            }
        }
        all.forEach(this::close);
    }

    /** Sockets open now. */
    synchronized int size() {
        return open;
    }
}
