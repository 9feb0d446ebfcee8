package io.steward.core;

/** What a tree may ask to have observed beyond its lifecycle: each is opt-in, and costs nothing while no tree asks. */
public enum Observe {
    /** Every fork, exec and exit, from the proc connector. */
    PROCESS,
    /** Opens, writes, creates, deletes and moves, from fanotify (CAP_SYS_ADMIN). */
    FILE,
    /** Listening and connected sockets, and closed ones with their final byte counts. */
    NETWORK
}
