package io.steward.api;

import java.util.List;
import java.util.Map;

/** The exited sessions a purge released ({@code POST /v1/purge}), by id. */
public record PurgeResult(List<String> released) {
    public static PurgeResult fromJson(Map<String, Object> json) {
        return new PurgeResult(new JsonFields(json).texts("released"));
    }

    public Map<String, Object> toJson() {
        return Json.object("released", released);
    }
}
