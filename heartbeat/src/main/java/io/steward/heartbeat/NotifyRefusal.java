package io.steward.heartbeat;

/** Why a whole sd_notify datagram was dropped; each is counted by the receiver. */
public enum NotifyRefusal {
    /** Zero bytes: nothing to interpret (systemd ignores these too). */
    EMPTY,
    /** Over {@link NotifyParser#MAX_DATAGRAM} bytes, systemd's limit: a sender cannot rely on more. */
    TOO_LARGE,
    /** A NUL byte: C senders cannot mean it, so the datagram is garbage or an attempt to confuse. */
    EMBEDDED_NUL,
    /** {@code BARRIER=1} with other lines: systemd drops such a datagram entirely, and so do we. */
    BARRIER_NOT_ALONE;

    /** The name counters and logs use, e.g. {@code too-large}. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
