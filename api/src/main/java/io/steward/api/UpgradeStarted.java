package io.steward.api;

import java.util.Map;

/**
 * The answer to {@code POST /v1/daemon/upgrade}: the new build said it can take over, and the
 * daemon is handing over now. The new daemon has the same pid; it has taken over once its health
 * says {@code upgrades} is more than here.
 *
 * @param pid the daemon's pid, the new daemon's too
 * @param version the version handing over
 * @param upgrades how many times the daemon was replaced before this one
 */
public record UpgradeStarted(long pid, String version, long upgrades) {
    public static UpgradeStarted fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new UpgradeStarted(f.longValue("pid"), f.text("version"), f.longValue("upgrades"));
    }

    public Map<String, Object> toJson() {
        return Json.object("pid", pid, "version", version, "upgrades", upgrades);
    }
}
