package io.steward.api;

import java.time.Instant;
import java.util.Map;

/**
 * One event of the daemon's stream ({@code GET /v1/events}, the JSON of an SSE {@code data} line):
 * its place in the stream, its type and time, and what its type tells. {@link #toJson} writes the
 * keys the daemon writes, in its order, so an event read and written again is the same document. A
 * type this client does not know reads as {@link Other}, kept as it came: an older client still
 * reads a newer daemon's stream. Codes that may grow (a stall's {@code reason}, a recovery's
 * {@code action}) are strings for the same reason.
 */
public sealed interface Event permits SessionEvent, HeartbeatEvent, DaemonEvent, ObservedEvent, Event.Other {
    /** Its place in the stream; 0 for the {@code dropped} notice a subscriber that fell behind gets. */
    long seq();

    /** Its type as on the wire: {@code started}, {@code stall}, … */
    String type();

    Instant at();

    /**
     * What it is about, for filtering: {@code lifecycle} (a session's life), {@code heartbeat}
     * (beats, readiness and stalls), {@code daemon}, or an observed category ({@code process},
     * {@code file}, {@code network}).
     */
    default String category() {
        return switch (this) {
            case SessionEvent s -> "lifecycle";
            case HeartbeatEvent h -> "heartbeat";
            case DaemonEvent d -> "daemon";
            case ObservedEvent o -> throw new IllegalStateException("an observed event names its category");
            case Other o -> o.fields().get("category") instanceof String c ? c : "other";
        };
    }

    /** The categories there are, in the order {@code events --category} lists them. */
    java.util.List<String> CATEGORIES = java.util.List.of("lifecycle", "heartbeat", "daemon", "process", "file",
            "network");

    Map<String, Object> toJson();

    static Event fromJson(Map<String, Object> json) {
        return EventJson.read(json);
    }

    /** An event of a type this client does not know: its fields as they came, in their order. */
    record Other(long seq, String type, Instant at, Map<String, Object> fields) implements Event {
        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = EventJson.write(this);
            if (!fields.containsKey("category")) {
                m.remove("category"); // a daemon older than categories wrote none
            }
            m.putAll(fields);
            return m;
        }
    }
}
