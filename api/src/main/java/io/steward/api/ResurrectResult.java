package io.steward.api;

import java.util.List;
import java.util.Map;

/**
 * What a resurrect did with each saved app ({@code POST /v1/resurrect}), each name in one list;
 * {@code started} and {@code running} in start order.
 *
 * @param running a session of that name ran already: left alone
 * @param stopped a user stopped it: left alone
 * @param ended it ended by itself since the save: left alone; null from a daemon older than this list
 */
public record ResurrectResult(List<String> started, List<String> running, List<String> stopped, List<String> ended,
        List<Failure> failed) {

    /** An app that could not be started, and why ({@code not-ready} when an app it comes after was not ready). */
    public record Failure(String name, ErrorCode code, String detail) {
        Map<String, Object> toJson() {
            return Json.object("name", name, "code", JsonFields.wire(code), "detail", detail);
        }
    }

    public static ResurrectResult fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new ResurrectResult(f.texts("started"), f.texts("running"), f.texts("stopped"),
                f.has("ended") ? f.texts("ended") : null, f.objects("failed").stream()
                        .map(e -> new Failure(e.text("name"), e.errorCode("code"), e.text("detail"))).toList());
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = Json.object("started", started, "running", running, "stopped", stopped);
        if (ended != null) {
            m.put("ended", ended);
        }
        m.put("failed", failed.stream().map(Failure::toJson).toList());
        return m;
    }
}
