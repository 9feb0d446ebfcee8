package io.steward.heartbeat;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;

/** A frame refused by {@link VlpCodec#decode(byte[])}; the hot path reports kinds without throwing. */
public final class VlpException extends StewardException {
    private final VlpError error;

    public VlpException(VlpError error) {
        super(ErrorCode.INVALID_INPUT, "not a VLP v0.2 frame: " + error.wire());
        this.error = error;
    }

    public VlpError error() {
        return error;
    }
}
