package io.steward.api;

/** When a session's process that ended by itself is started again ({@code --restart}). */
public enum RestartMode implements Json.Wire {
    /** Never: the session ends with its process. */
    NEVER("never"),
    /** After a non-zero exit or a signal. */
    ON_FAILURE("on-failure"),
    /** Whenever it ends by itself. */
    ALWAYS("always");

    private final String wire;

    RestartMode(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }
}
