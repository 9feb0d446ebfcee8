package io.steward.api;

/** Who vouches for a heartbeat's sender. */
public enum BeatOrigin implements Json.Wire {
    /** The kernel named the sender (a session's Unix socket). */
    KERNEL_ATTESTED,
    /** Anyone who can reach the port could have sent it (UDP). */
    NETWORK_UNVERIFIED;

    @Override
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
