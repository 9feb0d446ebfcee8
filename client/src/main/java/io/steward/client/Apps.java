package io.steward.client;

import io.steward.api.ApplyResult;
import io.steward.api.ResurrectResult;
import io.steward.api.SaveResult;
import java.util.Map;

/** The endpoints of apps, the named sessions the daemon keeps across its restarts, with typed answers. */
public final class Apps {
    private final StewardClient client;

    Apps(StewardClient client) {
        this.client = client;
    }

    /** Makes the named sessions meant to run the saved set. */
    public SaveResult save() {
        return SaveResult.fromJson(client.object("POST", "/v1/save", null));
    }

    /** Starts the saved apps meant to run that do not, each once the apps it comes after are ready. */
    public ResurrectResult resurrect() {
        return ResurrectResult.fromJson(client.object("POST", "/v1/resurrect", null));
    }

    /**
     * Makes the running apps match an apps file: {@code body} is {@code {"apps":[{"name", "request",
     * "after", "readyPort", "readyTimeoutMs"}], "dryRun", "allowEmpty"}}.
     */
    public ApplyResult apply(Map<String, Object> body) {
        return ApplyResult.fromJson(client.object("POST", "/v1/apply", body));
    }
}
