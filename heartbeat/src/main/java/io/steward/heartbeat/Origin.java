package io.steward.heartbeat;

/** How much a beat's sender is to be believed; the order is strongest first. */
public enum Origin {
    /** The kernel named the sender (SCM_CREDENTIALS on a Unix socket). */
    KERNEL_ATTESTED,
    /** Anyone who can reach the port could have sent it (UDP). */
    NETWORK_UNVERIFIED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
