package io.steward.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The answer of {@code GET /v1/sessions}: the caller's sessions, oldest first. */
public record SessionList(List<SessionInfo> sessions) {

    /** Reads the daemon's JSON; an entry that is not an object is skipped. */
    @SuppressWarnings("unchecked")
    public static SessionList fromJson(Map<String, Object> json) {
        if (!(json.get("sessions") instanceof List<?> raw)) {
            return new SessionList(List.of());
        }
        // A loop, not a stream: `steward ls` reads this, and a stream pipeline costs a short command
        // its classes at start.
        List<SessionInfo> out = new ArrayList<>(raw.size());
        for (Object o : raw) {
            if (o instanceof Map<?, ?> m) {
                out.add(SessionInfo.fromJson((Map<String, Object>) m));
            }
        }
        return new SessionList(List.copyOf(out));
    }

    public Map<String, Object> toJson() {
        List<Map<String, Object>> out = new ArrayList<>(sessions.size());
        for (SessionInfo s : sessions) {
            out.add(s.toJson());
        }
        return Json.object("sessions", out);
    }
}
