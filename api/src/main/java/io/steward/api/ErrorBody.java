package io.steward.api;

import java.util.Map;

/**
 * A problem document ({@code application/problem+json}, RFC 9457), the body of every error the
 * daemon answers. {@code title} is the code's wire name and {@code type} a URI made of it.
 *
 * @param status the HTTP status it came with
 * @param code one this client does not know reads as {@code internal}
 * @param detail the one-line message a user reads
 */
public record ErrorBody(String type, String title, long status, ErrorCode code, String detail) {
    public static ErrorBody fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new ErrorBody(f.text("type"), f.text("title"), f.longValue("status"), f.errorCode("code"),
                f.text("detail"));
    }

    public Map<String, Object> toJson() {
        return Json.object("type", type, "title", title, "status", status, "code", JsonFields.wire(code), "detail",
                detail);
    }

    /**
     * The failure it describes: a body without a code is {@code internal}, one without a detail names
     * the HTTP status it came with.
     */
    public StewardException toException(int httpStatus) {
        return new StewardException(code != null ? code : ErrorCode.INTERNAL, detail != null ? detail : "HTTP " + httpStatus);
    }
}
