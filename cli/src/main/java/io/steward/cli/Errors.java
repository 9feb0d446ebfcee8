package io.steward.cli;

import io.steward.api.ErrorCode;

/** Exit codes of the CLI, by error code: documented in the README. */
final class Errors {
    static final int FAILURE = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int UNREACHABLE = 4;
    /** What this host cannot do: CRIU that cannot checkpoint here, sock_diag refused, a terminal top cannot drive. */
    static final int UNSUPPORTED = 5;

    private Errors() {}

    static int exitCode(ErrorCode code) {
        return switch (code) {
            case INVALID_INPUT -> USAGE;
            case NOT_FOUND -> NOT_FOUND;
            case UNSUPPORTED -> UNSUPPORTED;
            default -> FAILURE;
        };
    }
}
