package io.steward.api;

import java.util.List;
import java.util.Map;

/** What the daemon's host lets steward observe ({@code GET /v1/capabilities}), one category each. */
public record CapabilityMatrix(List<Capability> capabilities) {

    public enum Support implements Json.Wire {
        SUPPORTED, PARTIAL, UNAVAILABLE;

        @Override
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param category {@code lifecycle}, {@code process}, {@code file} or {@code network}
     * @param backend what observes it ({@code pidfd+epoll}), or {@code none}
     * @param reason why it is as it is, and what the host would need for more
     */
    public record Capability(String category, Support support, String backend, String reason) {
        Map<String, Object> toJson() {
            return Json.object("category", category, "support", JsonFields.wire(support), "backend", backend,
                    "reason", reason);
        }
    }

    public static CapabilityMatrix fromJson(Map<String, Object> json) {
        return new CapabilityMatrix(new JsonFields(json).objects("capabilities").stream()
                .map(c -> new Capability(c.text("category"), c.wire("support", Support.values()), c.text("backend"),
                        c.text("reason")))
                .toList());
    }

    public Map<String, Object> toJson() {
        return Json.object("capabilities", capabilities.stream().map(Capability::toJson).toList());
    }
}
