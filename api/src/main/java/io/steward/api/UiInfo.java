package io.steward.api;

import java.util.Map;

/**
 * The answer to {@code POST /v1/ui}: where the dashboard is served.
 *
 * @param url the page's address, {@code http://127.0.0.1:PORT/}
 * @param link the same with the daemon's token ({@code ?token=...}): what a browser opens first
 * @param started true when this request started the listener, false when it was already serving
 */
public record UiInfo(String url, String link, boolean started) {
    public static UiInfo fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new UiInfo(f.text("url"), f.text("link"), f.flag("started"));
    }

    public Map<String, Object> toJson() {
        return Json.object("url", url, "link", link, "started", started);
    }
}
