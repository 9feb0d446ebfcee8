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

    /**
     * Replaces the daemon in place with {@code command} (java, its options, the classpath and the
     * main class of a build; empty for the build the daemon runs now) once that build said it can
     * take over; returns as the hand-over begins.
     *
     * @throws io.steward.api.StewardException {@code conflict} when the build cannot take over,
     *     {@code unsupported} when this daemon cannot be replaced
     */
    io.steward.api.UpgradeStarted upgrade(io.steward.daemon.session.Caller caller, java.util.List<String> command);

    /** How often each running session's usage is sampled for its history. */
    Duration samplePeriod();

    /** Runs {@code chore} on every reaper tick while the daemon lives. */
    void everyTick(Runnable chore);
}
