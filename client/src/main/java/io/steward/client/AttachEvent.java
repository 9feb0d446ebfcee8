package io.steward.client;

import io.steward.api.AttachMessage;
import java.util.Map;

/**
 * What an {@link Attachment} receives, in order: a hello, then output and control messages, then
 * closed. The control messages are the api's {@link AttachMessage}s, whose {@code toJson()} is the
 * daemon's text frame again, key for key.
 */
public sealed interface AttachEvent {
    /** A control message (a text frame's JSON) as its event; a type this client does not know is {@link Other}. */
    static AttachEvent fromJson(Map<String, Object> message) {
        AttachMessage m = AttachMessage.fromJson(message);
        return m != null ? new Control(m) : new Other(message);
    }

    /** Output of one stream. The daemon sends at most 64 KiB per event. */
    record Output(int stream, byte[] bytes) implements AttachEvent {
        public static final int PTY = 0;
        public static final int STDOUT = 1;
        public static final int STDERR = 2;
    }

    /** A control message of the daemon: hello, dropped, stolen, restarted, exit or error. */
    record Control(AttachMessage message) implements AttachEvent {}

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
