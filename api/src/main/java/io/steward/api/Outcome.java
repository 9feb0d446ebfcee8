package io.steward.api;

/** How a process ended relative to a stop request. */
public enum Outcome implements Json.Wire {
    /** It exited with no stop requested. */
    NATURAL_EXIT("natural-exit"),
    /** Its whole tree ended after the soft signal, within the grace (plus 250 ms of slack). */
    SOFT_EXIT("soft-exit"),
    /** It, or something of its tree, had to be killed with SIGKILL after the grace ran out. */
    HARD_KILLED("hard-killed"),
    /** A checkpoint stored its tree's images, then killed the tree (without {@code --leave-running}). */
    CHECKPOINTED("checkpointed");

    private final String wire;

    Outcome(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }
}
