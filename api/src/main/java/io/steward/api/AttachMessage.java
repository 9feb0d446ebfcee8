package io.steward.api;

import java.util.Map;

/**
 * The daemon's control messages on an attachment (its WebSocket text frames): what it writes and
 * what a client reads, one record a type. {@link #toJson} writes the daemon's keys, in its order and
 * with the types the JSON reader gives, so a message read and written again is the same frame.
 */
public sealed interface AttachMessage {
    Map<String, Object> toJson();

    /**
     * Reads a text frame's JSON. Lenient as the api's readers are: a missing field reads as null or
     * 0; a value this side does not know in a known field says so.
     *
     * @return null for a type this side does not know
     */
    static AttachMessage fromJson(Map<String, Object> m) {
        JsonFields f = new JsonFields(m);
        return switch (String.valueOf(m.get("type"))) {
            case "hello" -> new Hello(f.text("session"), f.wire("kind", SessionInfo.Kind.values()), f.flag("readOnly"),
                    f.longValue("stdoutCursor"), f.longValue("stderrCursor"));
            case "dropped" -> new Dropped(f.wire("stream", StdStream.values()), f.longValue("bytes"), f.longValue("cursor"));
            case "stolen" -> new Stolen();
            case "restarted" -> new Restarted(f.integer("exitCode"), f.text("signal"), f.wire("outcome", Outcome.values()),
                    (int) f.longValue("pid"), (int) f.longValue("restarts"));
            case "exit" -> new Exit(f.integer("exitCode"), f.text("signal"), f.wire("outcome", Outcome.values()));
            case "error" -> new Error(ErrorCode.fromWire(f.text("code")).orElse(ErrorCode.INTERNAL), f.text("detail"));
            default -> null;
        };
    }

    /** The first message: which session, whether it is a terminal or pipes, where output starts. */
    record Hello(String session, SessionInfo.Kind kind, boolean readOnly, long stdoutCursor, long stderrCursor)
            implements AttachMessage {
        public boolean pty() {
            return kind == SessionInfo.Kind.PTY;
        }

        @Override
        public Map<String, Object> toJson() {
            return Json.object("type", "hello", "session", session, "kind", JsonFields.wire(kind), "stdoutCursor", stdoutCursor,
                    "stderrCursor", stderrCursor, "readOnly", readOnly);
        }
    }

    /** The client fell behind the ring: {@code bytes} of {@code stream} were lost; output continues at {@code cursor}. */
    record Dropped(StdStream stream, long bytes, long cursor) implements AttachMessage {
        @Override
        public Map<String, Object> toJson() {
            return Json.object("type", "dropped", "stream", JsonFields.wire(stream), "bytes", bytes, "cursor", cursor);
        }
    }

    /** Another client attached with steal; the connection closes next. */
    record Stolen() implements AttachMessage {
        @Override
        public Map<String, Object> toJson() {
            return Json.object("type", "stolen");
        }
    }

    /**
     * The session's process ended, every byte of its output was sent, and the session started it
     * again ({@code restarts} times now, as {@code pid}): output goes on in this attachment.
     * Exactly one of exitCode and signal is set.
     */
    record Restarted(Integer exitCode, String signal, Outcome outcome, int pid, int restarts) implements AttachMessage {
        @Override
        public Map<String, Object> toJson() {
            return Json.object("type", "restarted", "exitCode", JsonFields.number(exitCode), "signal", signal, "outcome",
                    JsonFields.wire(outcome), "pid", (long) pid, "restarts", (long) restarts);
        }
    }

    /** The session ended for good and every byte of its output was sent. Exactly one of exitCode and signal is set. */
    record Exit(Integer exitCode, String signal, Outcome outcome) implements AttachMessage {
        @Override
        public Map<String, Object> toJson() {
            return Json.object("type", "exit", "exitCode", JsonFields.number(exitCode), "signal", signal, "outcome", JsonFields.wire(outcome));
        }
    }

    /** The daemon refused something the client sent (or, racing another client, the attachment itself). */
    record Error(ErrorCode code, String detail) implements AttachMessage {
        @Override
        public Map<String, Object> toJson() {
            return Json.object("type", "error", "code", JsonFields.wire(code), "detail", detail);
        }
    }
}
