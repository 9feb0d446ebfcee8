package io.steward.api;

import java.util.List;
import java.util.Map;

/** The sessions a kill-older began to stop ({@code POST /v1/kill-older}), by id. */
public record KillOlderResult(List<String> stopped) {
    public static KillOlderResult fromJson(Map<String, Object> json) {
        return new KillOlderResult(new JsonFields(json).texts("stopped"));
    }

    public Map<String, Object> toJson() {
        return Json.object("stopped", stopped);
    }
}
