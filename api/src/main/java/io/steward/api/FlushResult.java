package io.steward.api;

import java.util.List;
import java.util.Map;

/** The sessions whose log files a flush emptied ({@code POST /v1/flush}, {@code /v1/sessions/{ref}/flush}), by id. */
public record FlushResult(List<String> flushed) {
    public static FlushResult fromJson(Map<String, Object> json) {
        return new FlushResult(new JsonFields(json).texts("flushed"));
    }

    public Map<String, Object> toJson() {
        return Json.object("flushed", flushed);
    }
}
