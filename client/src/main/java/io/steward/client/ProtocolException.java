package io.steward.client;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;

/**
 * What answered on the daemon's socket broke HTTP/1.1 (or the daemon's JSON): a malformed status
 * line, header, chunk or body, or a connection that ended in the middle of an answer. It is an
 * {@link ErrorCode#INTERNAL} failure, so the CLI prints its one line and exits 1; {@link #expected}
 * and {@link #actual} say what the client was reading for and what came instead.
 */
public final class ProtocolException extends StewardException {
    /** Quoted excerpts of what came are cut here, so the message stays one short line. */
    static final int EXCERPT = 60;

    private final String expected;
    private final String actual;

    /**
     * @param peer who answered, e.g. {@code the daemon at /run/steward.sock}
     * @param expected what the client was reading for, e.g. {@code a chunk size in hex}
     * @param actual what came, already quoted with {@link #quote} where it is the peer's bytes
     */
    public ProtocolException(String peer, String expected, String actual) {
        super(ErrorCode.INTERNAL, "bad answer from " + peer + ": expected " + expected + ", got " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }

    /** Whether the connection ended before the answer did, rather than the answer breaking the grammar. */
    public boolean endedEarly() {
        return actual.startsWith("end of stream") || actual.startsWith("CR then end of stream");
    }

    /**
     * {@code text} in double quotes, cut to {@value #EXCERPT} characters, with control characters,
     * quotes and backslashes escaped: whatever the peer sent, the message stays one printable line.
     */
    static String quote(CharSequence text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), EXCERPT) + 8).append('"');
        int n = Math.min(text.length(), EXCERPT);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> b.append("\\r");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '"', '\\' -> b.append('\\').append(c);
                default -> {
                    if (c < 0x20 || c >= 0x7f && c < 0xa0) {
                        b.append(String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
        if (text.length() > EXCERPT) {
            b.append("...");
        }
        return b.toString();
    }
}
