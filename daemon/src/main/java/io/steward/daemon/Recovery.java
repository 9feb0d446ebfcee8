package io.steward.daemon;

/** What a stalled session's recovery may do to it; {@link Sessions} does it. */
interface Recovery {
    /**
     * Stops the session's whole tree (with its grace) and starts its spec again under the same id,
     * name and rings. Returns at once; the outcome arrives as events.
     *
     * @return false when the session is being stopped by someone, so it must not come back
     */
    boolean restart(Session s, String reason);

    /** Stops the session (soft, then hard) as a user stop would. */
    void stop(Session s, String reason);

    /** Sends the session's group a signal. */
    void signal(Session s, io.steward.sys.Signal signal, String reason);
}
