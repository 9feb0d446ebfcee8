package io.steward.api;

import java.util.Map;

/** What a write to a session's stdin took ({@code POST /v1/sessions/{ref}/stdin}). */
public record StdinWritten(long written, boolean eof) {
    public static StdinWritten fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new StdinWritten(f.longValue("written"), f.flag("eof"));
    }

    public Map<String, Object> toJson() {
        return Json.object("written", written, "eof", eof);
    }
}
