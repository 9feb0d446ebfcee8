package io.steward.api;

import java.util.List;
import java.util.Map;

/**
 * What an apply did, or with {@code dryRun} would do ({@code POST /v1/apply}): one action per app,
 * the stops of removed apps first, then the apps in start order.
 */
public record ApplyResult(List<Action> actions, boolean dryRun) {

    public enum Kind implements Json.Wire {
        START, RESTART, STOP, UNCHANGED;

        @Override
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param id the app's session: in a dry run its current one (null for an app to start), else the
     *     one it has after the action
     */
    public record Action(String name, Kind action, String id) {
        Map<String, Object> toJson() {
            return Json.object("name", name, "action", JsonFields.wire(action), "id", id);
        }
    }

    public static ApplyResult fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new ApplyResult(f.objects("actions").stream()
                .map(a -> new Action(a.text("name"), a.wire("action", Kind.values()), a.text("id"))).toList(),
                f.flag("dryRun"));
    }

    public Map<String, Object> toJson() {
        return Json.object("actions", actions.stream().map(Action::toJson).toList(), "dryRun", dryRun);
    }
}
