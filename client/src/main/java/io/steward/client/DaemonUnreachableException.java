package io.steward.client;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.nio.file.Path;

/** Nothing answers on the daemon's socket. */
public final class DaemonUnreachableException extends StewardException {
    public DaemonUnreachableException(Path socket, Exception cause) {
        super(ErrorCode.INTERNAL, "no daemon answers on " + socket + " (" + cause.getMessage() + ")", cause);
    }
}
