package io.steward.daemon.session;

/** Who is on the other end of a connection, as the kernel reports it (SO_PEERCRED). */
public record Caller(int uid, int pid) {
    public static final Caller DAEMON = new Caller(-1, -1);
}
