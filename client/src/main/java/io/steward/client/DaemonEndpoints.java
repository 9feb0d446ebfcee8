package io.steward.client;

import io.steward.api.BeatStats;
import io.steward.api.CapabilityMatrix;
import io.steward.api.DaemonStopping;
import io.steward.api.Event;
import io.steward.api.HealthInfo;
import io.steward.api.Json;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The daemon's own endpoints with typed answers: its health, what its host lets it observe, its
 * heartbeat agents, its event stream, and its stop.
 */
public final class DaemonEndpoints {
    private final StewardClient client;

    DaemonEndpoints(StewardClient client) {
        this.client = client;
    }

    public HealthInfo health() {
        return HealthInfo.fromJson(client.object("GET", "/v1/health", null));
    }

    public CapabilityMatrix capabilities() {
        return CapabilityMatrix.fromJson(client.object("GET", "/v1/capabilities", null));
    }

    /** The heartbeat agents the daemon tracks, and the directory of the sessions' beat sockets. */
    public BeatStats beats() {
        return BeatStats.fromJson(client.object("GET", "/v1/beats", null));
    }

    /**
     * Streams events to {@code handler} until it returns false or the daemon ends the stream;
     * {@code since} replays what came after it (-1: only new events).
     */
    public void events(long since, Predicate<Event> handler) {
        events(EventQuery.since(since), handler);
    }

    /** Streams the events {@code query} asks for to {@code handler} until it returns false or the stream ends. */
    public void events(EventQuery query, Predicate<Event> handler) {
        client.stream("/v1/events", query, json -> handler.test(Event.fromJson(json)));
    }

    /** Stops every session with {@code grace} (soft, then hard), then the daemon; answers before the stop. */
    public DaemonStopping stopDaemon(Duration grace) {
        return DaemonStopping.fromJson(client.object("POST", "/v1/daemon/stop", Json.object("graceMs", grace.toMillis())));
    }
}
