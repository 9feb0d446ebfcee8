package io.steward.cli;

import io.steward.api.ErrorCode;

/** Exit codes of the CLI, by error code: documented in the README. */
final class Errors {
    static final int FAILURE = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int UNREACHABLE = 4;

    private Errors() {}

    static int exitCode(ErrorCode code) {
        return switch (code) {
            case INVALID_INPUT -> USAGE;
            case NOT_FOUND -> NOT_FOUND;
            default -> FAILURE;
        };
    }
}
