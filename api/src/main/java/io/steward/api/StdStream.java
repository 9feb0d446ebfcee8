package io.steward.api;

/** Which of a session's output streams bytes came from: a terminal's one stream, or a pipe session's stdout or stderr. */
public enum StdStream implements Json.Wire {
    STDOUT, STDERR, PTY;

    @Override
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
