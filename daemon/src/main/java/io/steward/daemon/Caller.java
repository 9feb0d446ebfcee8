package io.steward.daemon;

/** Who is on the other end of a connection, as the kernel reports it (SO_PEERCRED). */
record Caller(int uid, int pid) {
    static final Caller DAEMON = new Caller(-1, -1);
}
