package io.steward.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The heartbeat agents the daemon tracks ({@code GET /v1/beats}), and the directory of the sessions' beat sockets. */
public record BeatStats(List<Agent> agents, String socketDir) {

    /** What an agent's latest frame said of itself. */
    public enum Status implements Json.Wire {
        OK, DEGRADED, CRITICAL;

        @Override
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One sending process.
     *
     * @param session the id of the session whose tree it is in; null for a UDP sender no session claims
     * @param lastNonce unsigned (a decimal string on the wire, since it may exceed a long)
     * @param age since its last beat
     * @param stalls of its session when it has one, else its own
     * @param namespace the inode of its PID namespace; null when unknown
     */
    public record Agent(long pid, String session, String name, BeatOrigin origin, Status status, long lastNonce,
            Duration age, long beats, long stalls, boolean stalled, Long namespace) {
        static Agent read(JsonFields f) {
            String nonce = f.text("lastNonce");
            return new Agent(f.longValue("pid"), f.text("session"), f.text("name"),
                    f.wire("origin", BeatOrigin.values()), f.wire("status", Status.values()),
                    nonce != null ? Long.parseUnsignedLong(nonce) : 0, f.millis("ageMs"), f.longValue("beats"),
                    f.longValue("stalls"), f.flag("stalled"), f.number("namespace"));
        }

        Map<String, Object> toJson() {
            return Json.object("pid", pid, "session", session, "name", name, "origin", JsonFields.wire(origin),
                    "status", JsonFields.wire(status), "lastNonce", Long.toUnsignedString(lastNonce), "ageMs",
                    JsonFields.millis(age), "beats", beats, "stalls", stalls, "stalled", stalled, "namespace", namespace);
        }
    }

    public static BeatStats fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new BeatStats(f.objects("agents").stream().map(Agent::read).toList(), f.text("socketDir"));
    }

    public Map<String, Object> toJson() {
        return Json.object("agents", agents.stream().map(Agent::toJson).toList(), "socketDir", socketDir);
    }
}
