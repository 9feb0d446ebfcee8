package io.steward.heartbeat;

/**
 * One decoded VLP v0.2 heartbeat: what an agent says of itself. Fields are the wire's unsigned
 * values held in Java's signed types ({@code pid} and {@code payload} as u32, {@code timestamp}
 * and {@code nonce} as u64).
 */
public record Frame(Status status, int pid, long timestamp, long nonce, int payload) {
    /** The nonce an agent sends last, when it is going away (with {@link Status#CRITICAL}: it panicked). */
    public static final long TERMINAL_NONCE = -1L;

    public enum Status {
        OK, DEGRADED, CRITICAL
    }

    public boolean terminal() {
        return nonce == TERMINAL_NONCE;
    }
}
