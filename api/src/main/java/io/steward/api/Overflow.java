package io.steward.api;

import java.util.Optional;

/** What a full output ring does with new bytes. */
public enum Overflow implements Json.Wire {
    /** Overwrite the oldest bytes and count them as dropped: the child never blocks. */
    DROP_OLDEST("drop-oldest"),
    /** Stop reading the child's output until a consumer frees space: the child blocks, nothing is lost. */
    BACKPRESSURE("backpressure");

    private final String wire;

    Overflow(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    public static Optional<Overflow> fromWire(String text) {
        for (Overflow o : values()) {
            if (o.wire.equals(text)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }
}
