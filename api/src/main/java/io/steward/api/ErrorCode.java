package io.steward.api;

import java.util.Optional;

/** The one error vocabulary: the stable {@code code} of API problems, CLI messages and client exceptions. */
public enum ErrorCode implements Json.Wire {
    NOT_FOUND("not-found"),
    INVALID_INPUT("invalid-input"),
    ALREADY_ATTACHED("already-attached"),
    TOO_LARGE("too-large"),
    QUOTA("quota"),
    CONFLICT("conflict"),
    CLOSED("closed"),
    UNSUPPORTED("unsupported"),
    FORBIDDEN("forbidden"),
    /** An app of an apply whose dependency did not become ready (it ended first, or took too long). */
    NOT_READY("not-ready"),
    /** A method the path does not take (HTTP 405, with the methods it does take in {@code Allow}). */
    METHOD_NOT_ALLOWED("method-not-allowed"),
    /** The daemon could not record a change because the disk holding its state is full: nothing changed. */
    DISK_FULL("disk-full"),
    /** Stored data failed its digest check (a checkpoint's blob): it is named, and nothing was started from it. */
    CORRUPT("corrupt"),
    /**
     * The daemon is being replaced in place ({@code daemon upgrade}, {@code daemon restart}) and did
     * nothing with this request: the same request, sent again, is served by the new daemon. Clients
     * retry it by themselves (HTTP 503).
     */
    UPGRADING("upgrading"),
    INTERNAL("internal");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The code as it appears on the wire, e.g. {@code not-found}. */
    @Override
    public String wire() {
        return wire;
    }

    public static Optional<ErrorCode> fromWire(String code) {
        for (ErrorCode c : values()) {
            if (c.wire.equals(code)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
