package io.steward.daemon.beats;

import io.steward.daemon.session.Session;
import io.steward.sys.UnixDatagram;
import java.nio.file.Path;

/**
 * One of a session's own datagram sockets: where its processes send VLP beats
 * ({@code STEWARD_BEAT_SOCKET}) or sd_notify messages ({@code NOTIFY_SOCKET}). The socket a
 * datagram arrives on names the only session it may count for; the kernel's word on the sender
 * decides whether it does. A socket of its own per session also means one session's traffic can
 * only fill its own queue.
 */
public final class SessionSocket {
    public enum Kind { BEATS, NOTIFY }

    final Kind kind;
    final UnixDatagram socket;
    /**
     * Set on the heartbeat thread once the session exists; until then the socket is not polled and
     * whatever a fast program sent waits in its queue.
     */
    private Session session;

    SessionSocket(Kind kind, UnixDatagram socket) {
        this.kind = kind;
        this.socket = socket;
    }

    public Kind kind() {
        return kind;
    }

    /** Its descriptor: a daemon handing over keeps it across the execve. */
    public int fd() {
        return socket.fd();
    }

    public Path path() {
        return socket.path();
    }

    /** Heartbeat thread only; null before {@link SessionSockets#attach}. */
    Session session() {
        return session;
    }

    void session(Session s) {
        session = s;
    }
}
