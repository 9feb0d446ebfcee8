package io.steward.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /v1/ports} and {@code GET /v1/sessions/{id}/ports}: the sockets of the
 * sessions' trees, by session in the order of the session list, then by pid and local port.
 */
public record PortList(List<PortInfo> ports) {

    /** Reads the daemon's JSON; an entry that is not an object is skipped. */
    @SuppressWarnings("unchecked")
    public static PortList fromJson(Map<String, Object> json) {
        if (!(json.get("ports") instanceof List<?> raw)) {
            return new PortList(List.of());
        }
        List<PortInfo> out = new ArrayList<>(raw.size());
        for (Object o : raw) {
            if (o instanceof Map<?, ?> m) {
                out.add(PortInfo.fromJson((Map<String, Object>) m));
            }
        }
        return new PortList(List.copyOf(out));
    }

    public Map<String, Object> toJson() {
        List<Map<String, Object>> out = new ArrayList<>(ports.size());
        for (PortInfo p : ports) {
            out.add(p.toJson());
        }
        return Json.object("ports", out);
    }
}
