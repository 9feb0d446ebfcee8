package io.steward.client;

import io.steward.api.ApplyResult;
import io.steward.api.ResurrectResult;
import io.steward.api.SaveResult;
import java.util.Map;

/**
 * The endpoints of apps, the named sessions the daemon keeps across its restarts, with typed
 * answers; the same calls on {@link StewardClient} answer the JSON objects as they came.
 */
public final class Apps {
    private final StewardClient client;

    Apps(StewardClient client) {
        this.client = client;
    }

    /** Makes the named sessions meant to run the saved set. */
    public SaveResult save() {
        return SaveResult.fromJson(client.save());
    }

    /** Starts the saved apps meant to run that do not, each once the apps it comes after are ready. */
    public ResurrectResult resurrect() {
        return ResurrectResult.fromJson(client.resurrect());
    }

    /**
     * Makes the running apps match an apps file: {@code body} is {@code {"apps":[{"name", "request",
     * "after", "readyPort", "readyTimeoutMs"}], "dryRun", "allowEmpty"}}.
     */
    public ApplyResult apply(Map<String, Object> body) {
        return ApplyResult.fromJson(client.apply(body));
    }
}
