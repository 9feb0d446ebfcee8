package io.steward.heartbeat;

/**
 * Why a datagram is not a VLP v0.2 beat. Declared in the normative decode order: a decoder reports
 * the first that applies. {@link #wire()} is the name the conformance vectors and the VLP
 * specification use, so counters and logs read the same as every other implementation's.
 */
public enum VlpError {
    /** Not exactly 32 bytes. Ours, not the specification's: it only says such a datagram is rejected. */
    BAD_LENGTH("BadLength"),
    /** Bytes 0..2 are not "VA": another protocol on this socket. */
    BAD_MAGIC("BadMagic"),
    /** Byte 2 is not 0x02 (v0.1 frames have an incompatible layout). */
    BAD_VERSION("BadVersion"),
    /** The CRC-32C of bytes 0..28 differs from bytes 28..32: VLP, but damaged. */
    BAD_CRC("BadCrc"),
    /** Status byte above 0x03. */
    BAD_STATUS("BadStatus"),
    /** Status 0x03 (stall): only an observer may conclude that, never the agent itself. */
    STALL_ON_WIRE("StallOnWire"),
    /** pid 0 or 1: no agent runs as the kernel or init, and "init stalled" must not be spoofable. */
    BAD_PID("BadPid"),
    /** timestamp 2^64-1, the saturation sentinel. */
    BAD_TIMESTAMP("BadTimestamp"),
    /** The terminal nonce (2^64-1) with a status other than critical. */
    BAD_NONCE("BadNonce");

    private static final VlpError[] VALUES = values();

    private final String wire;

    VlpError(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The kind named {@code wire}, or null: for reading vectors and configuration, not the hot path. */
    public static VlpError fromWire(String wire) {
        for (VlpError e : VALUES) {
            if (e.wire.equals(wire)) {
                return e;
            }
        }
        return null;
    }
}
