package io.steward.api;

import java.time.Duration;
import java.util.Map;

/**
 * The daemon's health ({@code GET /v1/health}); {@link #toJson} writes the keys the daemon writes,
 * in its order, so a document read and written again is the same document.
 *
 * @param pid the daemon's own process
 * @param sessions how many of its sessions have not ended
 * @param home its state directory ({@code $STEWARD_HOME})
 * @param lastEventSeq the sequence number of its latest event, 0 before the first
 * @param upgrades how many times the daemon was replaced in place ({@code daemon upgrade} or
 *     {@code restart}) since it started; its uptime counts from that start
 * @param lastUpgradeFailure why the last upgrade asked of this daemon did not happen, or null
 * @param ui the dashboard's address ({@code http://127.0.0.1:PORT/}, without its token) while it is
 *     served, or null
 */
public record HealthInfo(Status status, String version, long pid, Duration uptime, long sessions, String home,
        long lastEventSeq, long upgrades, String lastUpgradeFailure, String ui) {

    public enum Status implements Json.Wire {
        OK,
        /** A stop of the daemon began: it is stopping its sessions, then itself. */
        STOPPING;

        @Override
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Reads the daemon's JSON; a key it does not know is left alone. */
    public static HealthInfo fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new HealthInfo(f.wire("status", Status.values()), f.text("version"), f.longValue("pid"),
                f.millis("uptimeMs"), f.longValue("sessions"), f.text("home"), f.longValue("lastEventSeq"),
                f.longValue("upgrades"), f.text("lastUpgradeFailure"), f.text("ui"));
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = Json.object("status", JsonFields.wire(status), "version", version, "pid", pid, "uptimeMs",
                JsonFields.millis(uptime), "sessions", sessions, "home", home, "lastEventSeq", lastEventSeq,
                "upgrades", upgrades);
        EventJson.putPresent(m, "lastUpgradeFailure", lastUpgradeFailure);
        EventJson.putPresent(m, "ui", ui);
        return m;
    }

    /** The same health, with the dashboard's address (null when it is not served). */
    public HealthInfo withUi(String url) {
        return new HealthInfo(status, version, pid, uptime, sessions, home, lastEventSeq, upgrades, lastUpgradeFailure, url);
    }
}
