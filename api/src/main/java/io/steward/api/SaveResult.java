package io.steward.api;

import java.util.List;
import java.util.Map;

/** The names a save made the saved set ({@code POST /v1/save}): the named sessions meant to run. */
public record SaveResult(List<String> saved) {
    public static SaveResult fromJson(Map<String, Object> json) {
        return new SaveResult(new JsonFields(json).texts("saved"));
    }

    public Map<String, Object> toJson() {
        return Json.object("saved", saved);
    }
}
