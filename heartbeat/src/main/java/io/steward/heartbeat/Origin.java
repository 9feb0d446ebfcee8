package io.steward.heartbeat;

import io.steward.api.BeatOrigin;

/** How much a beat's sender is to be believed; the order is strongest first. */
public enum Origin {
    /** The kernel named the sender (SCM_CREDENTIALS on a Unix socket). */
    KERNEL_ATTESTED,
    /** Anyone who can reach the port could have sent it (UDP). */
    NETWORK_UNVERIFIED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The api's name for it, as events and {@code GET /v1/beats} carry it. */
    public BeatOrigin api() {
        return switch (this) {
            case KERNEL_ATTESTED -> BeatOrigin.KERNEL_ATTESTED;
            case NETWORK_UNVERIFIED -> BeatOrigin.NETWORK_UNVERIFIED;
        };
    }
}
