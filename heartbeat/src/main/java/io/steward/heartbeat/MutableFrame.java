package io.steward.heartbeat;

/**
 * A caller-owned place for one decoded beat, so the receive loop decodes every datagram into the
 * same object and allocates nothing per beat. After {@link VlpDecoder} returns true the fields are
 * the frame's and {@link #error()} is null; after it returns false only {@link #error()} is
 * meaningful (the other fields keep whatever the last accepted beat left).
 */
public final class MutableFrame {
    private Frame.Status status;
    private int pid;
    private long timestamp;
    private long nonce;
    private int payload;
    private VlpError error;

    void accept(Frame.Status status, int pid, long timestamp, long nonce, int payload) {
        this.status = status;
        this.pid = pid;
        this.timestamp = timestamp;
        this.nonce = nonce;
        this.payload = payload;
        this.error = null;
    }

    void reject(VlpError error) {
        this.error = error;
    }

    public Frame.Status status() {
        return status;
    }

    /** u32 held in an int: use {@link Integer#toUnsignedLong} to compare or print. */
    public int pid() {
        return pid;
    }

    /** u64 held in a long. */
    public long timestamp() {
        return timestamp;
    }

    /** u64 held in a long; {@link Frame#TERMINAL_NONCE} is the agent's last word. */
    public long nonce() {
        return nonce;
    }

    public int payload() {
        return payload;
    }

    /** Why the last decode failed, or null when it succeeded. */
    public VlpError error() {
        return error;
    }

    /** An immutable copy, for cold paths and tests (this allocates). */
    public Frame toFrame() {
        if (error != null || status == null) {
            throw new IllegalStateException("no accepted frame in this holder");
        }
        return new Frame(status, pid, timestamp, nonce, payload);
    }
}
