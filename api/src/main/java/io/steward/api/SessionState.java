package io.steward.api;

/**
 * Where a session is in its life: the states of the daemon's session state machine (its table is
 * in docs/ARCHITECTURE.md, "A session's life"). The last three are ends: nothing leaves them but a
 * release, or a user's restart of an exited or errored one.
 */
public enum SessionState implements Json.Wire {
    /** Its process runs. */
    RUNNING,
    /** Someone stopped it (a user, a limit, an apply, the daemon's shutdown): its tree is going. */
    STOPPING,
    /** A stall restart is stopping its tree, to start it again. */
    RECOVERING,
    /** A user's restart is stopping its tree, to start it again. */
    RESTARTING,
    /** Its process ended and the restart policy starts it again after a delay. */
    BACKOFF,
    /** Its next process is being started (after a backoff, a stall restart or a user's restart). */
    STARTING,
    /** Ended for good: nothing restarts it. */
    EXITED,
    /** Ended for good because it restarted too often within the policy's window. */
    ERRORED,
    /** Gone from the daemon: removed, purged, past its retention, or replaced under its name. */
    RELEASED;

    /** Nothing will run in it again. */
    public boolean ended() {
        return this == EXITED || this == ERRORED || this == RELEASED;
    }

    @Override
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
