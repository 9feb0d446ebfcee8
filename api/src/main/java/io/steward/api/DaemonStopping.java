package io.steward.api;

import java.time.Duration;
import java.util.Map;

/**
 * The answer of {@code POST /v1/daemon/stop}, given before the stop: the daemon stops every session
 * with {@code grace} (SIGTERM, then SIGKILL), then itself.
 */
public record DaemonStopping(boolean stopping, Duration grace) {
    public static DaemonStopping fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new DaemonStopping(f.flag("stopping"), f.millis("graceMs"));
    }

    public Map<String, Object> toJson() {
        return Json.object("stopping", stopping, "graceMs", JsonFields.millis(grace));
    }
}
