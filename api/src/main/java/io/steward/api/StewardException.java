package io.steward.api;

/** A typed, one-line failure. The message is complete on its own: it is what a user reads. */
public class StewardException extends RuntimeException {
    private final ErrorCode code;

    public StewardException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public StewardException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
