package io.steward.client;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.Outcome;
import io.steward.api.SessionInfo;
import io.steward.api.StdStream;
import java.util.Map;

/**
 * What an {@link Attachment} receives, in order: a hello, then output and control messages, then
 * closed. The control messages' {@code toJson()} is the daemon's text frame again, key for key.
 */
public sealed interface AttachEvent {
    /** A control message (a text frame's JSON) as its event; a type this client does not know is {@link Other}. */
    static AttachEvent fromJson(Map<String, Object> message) {
        return AttachMessages.read(message);
    }

    /** Output of one stream. The daemon sends at most 64 KiB per event. */
    record Output(int stream, byte[] bytes) implements AttachEvent {
        public static final int PTY = 0;
        public static final int STDOUT = 1;
        public static final int STDERR = 2;
    }

    /** The first message: which session, whether it is a terminal or pipes, where output starts. */
    record Hello(String session, SessionInfo.Kind kind, boolean readOnly, long stdoutCursor, long stderrCursor)
            implements AttachEvent {
        public boolean pty() {
            return kind == SessionInfo.Kind.PTY;
        }

        public Map<String, Object> toJson() {
            return Json.object("type", "hello", "session", session, "kind", wire(kind), "stdoutCursor", stdoutCursor,
                    "stderrCursor", stderrCursor, "readOnly", readOnly);
        }
    }

    /** This client fell behind the ring: {@code bytes} of {@code stream} were lost; output continues at {@code cursor}. */
    record Dropped(StdStream stream, long bytes, long cursor) implements AttachEvent {
        public Map<String, Object> toJson() {
            return Json.object("type", "dropped", "stream", wire(stream), "bytes", bytes, "cursor", cursor);
        }
    }

    /** Another client attached with steal; the connection closes next. */
    record Stolen() implements AttachEvent {
        public Map<String, Object> toJson() {
            return Json.object("type", "stolen");
        }
    }

    /**
     * The session's process ended, every byte of its output was sent, and the session started it
     * again ({@code restarts} times now, as {@code pid}): output goes on in this attachment.
     * Exactly one of exitCode and signal is set.
     */
    record Restarted(Integer exitCode, String signal, Outcome outcome, int pid, int restarts) implements AttachEvent {
        public Map<String, Object> toJson() {
            return Json.object("type", "restarted", "exitCode", number(exitCode), "signal", signal, "outcome",
                    wire(outcome), "pid", (long) pid, "restarts", (long) restarts);
        }
    }

    /** The session ended for good and every byte of its output was sent. Exactly one of exitCode and signal is set. */
    record Exit(Integer exitCode, String signal, Outcome outcome) implements AttachEvent {
        public Map<String, Object> toJson() {
            return Json.object("type", "exit", "exitCode", number(exitCode), "signal", signal, "outcome", wire(outcome));
        }
    }

    /** The daemon refused something this client sent (or, racing another client, the attachment itself). */
    record Error(ErrorCode code, String detail) implements AttachEvent {
        public Map<String, Object> toJson() {
            return Json.object("type", "error", "code", wire(code), "detail", detail);
        }
    }

    /** A control message of a type this client does not know, kept as it came. */
    record Other(Map<String, Object> message) implements AttachEvent {}

    /**
     * The connection ended: {@code code} is the WebSocket close status (1000 after a detach or an exit,
     * 4001 when stolen, 4409 when another client won a race, 1006 when the connection was lost).
     */
    record Closed(int code, String reason) implements AttachEvent {
        public static final int LOST = WebSocketConnection.ABNORMAL;
    }

    private static String wire(Json.Wire w) {
        return w != null ? w.wire() : null;
    }

    /** As the JSON reader gives numbers back, so a message read and written again equals itself. */
    private static Long number(Integer i) {
        return i != null ? i.longValue() : null;
    }
}
