package io.steward.daemon.http;

import io.steward.api.HealthInfo;
import io.steward.api.StewardHome;
import io.steward.daemon.apps.Apply;
import io.steward.daemon.apps.Resurrection;
import io.steward.daemon.supervision.Checkpoints;
import io.steward.daemon.supervision.Sessions;
import java.time.Duration;

/**
 * The daemon as the HTTP layer reaches into it: its parts the API calls, and its own life (health,
 * shutdown, the tick). The class that wires the daemon implements it, so the HTTP layer never
 * names what sits above it.
 */
public interface Backend {
    StewardHome home();

    Sessions sessions();

    /** Checkpoints of sessions, and their store. */
    Checkpoints checkpoints();

    /** Apps files; one apply at a time. */
    Apply apply();

    /** The saved set: save, resurrect. */
    Resurrection resurrection();

    HealthInfo health();

    /** Stops every session (soft, then hard, whole trees), then the daemon. */
    void shutdown(Duration grace);

    /** Runs {@code chore} on every reaper tick while the daemon lives. */
    void everyTick(Runnable chore);
}
