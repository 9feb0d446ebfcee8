package io.steward.client;

import io.steward.api.ErrorCode;
import java.util.Map;

/** What an {@link Attachment} receives, in order: a hello, then output and control messages, then closed. */
public sealed interface AttachEvent {
    /** Output of one stream. The daemon sends at most 64 KiB per event. */
    record Output(int stream, byte[] bytes) implements AttachEvent {
        public static final int PTY = 0;
        public static final int STDOUT = 1;
        public static final int STDERR = 2;
    }

    /** The first message: which session, whether it is a terminal ("pty") or pipes ("pipe"), where output starts. */
    record Hello(String session, String kind, boolean readOnly, long stdoutCursor, long stderrCursor) implements AttachEvent {
        public boolean pty() {
            return "pty".equals(kind);
        }
    }

    /** This client fell behind the ring: {@code bytes} of {@code stream} were lost; output continues at {@code cursor}. */
    record Dropped(String stream, long bytes, long cursor) implements AttachEvent {}

    /** Another client attached with steal; the connection closes next. */
    record Stolen() implements AttachEvent {}

    /**
     * The session's process ended, every byte of its output was sent, and the session started it
     * again ({@code restarts} times now, as {@code pid}): output goes on in this attachment.
     * Exactly one of exitCode and signal is set.
     */
    record Restarted(Integer exitCode, String signal, String outcome, int pid, int restarts) implements AttachEvent {}

    /** The session ended for good and every byte of its output was sent. Exactly one of exitCode and signal is set. */
    record Exit(Integer exitCode, String signal, String outcome) implements AttachEvent {}

    /** The daemon refused something this client sent (or, racing another client, the attachment itself). */
    record Error(ErrorCode code, String detail) implements AttachEvent {}

    /** A control message of a type this client does not know, kept as it came. */
    record Other(Map<String, Object> message) implements AttachEvent {}

    /**
     * The connection ended: {@code code} is the WebSocket close status (1000 after a detach or an exit,
     * 4001 when stolen, 4409 when another client won a race, 1006 when the connection was lost).
     */
    record Closed(int code, String reason) implements AttachEvent {
        public static final int LOST = WebSocketConnection.ABNORMAL;
    }
}
