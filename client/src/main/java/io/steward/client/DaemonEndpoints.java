package io.steward.client;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.api.UpgradeStarted;
import java.util.List;

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

    /**
     * Replaces the daemon in place with {@code command} (java, its options, the classpath and the
     * main class of a build; empty for the build the daemon was started from): same pid, same
     * sessions. Answers once the build said it can take over, as the hand-over begins; then
     * {@link #awaitUpgraded}.
     *
     * @throws io.steward.api.StewardException {@code conflict} with the reason when the build cannot take over
     */
    public UpgradeStarted upgrade(List<String> command) {
        return UpgradeStarted.fromJson(client.object("POST", "/v1/daemon/upgrade", Json.object("command", command)));
    }

    /**
     * Waits until the daemon that answered {@code started} has been replaced, and returns the new
     * one's health.
     *
     * @throws io.steward.api.StewardException {@code conflict} with the reason when the hand-over
     *     failed (the old daemon serves on), {@code internal} when nothing answers by {@code timeout}
     */
    public HealthInfo awaitUpgraded(UpgradeStarted started, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            HealthInfo h = null;
            try {
                h = health();
            } catch (StewardException e) {
                // the window: refused as upgrading, or cut by the execve (the pid holds the lock throughout)
                last = e;
            }
            if (h != null && h.upgrades() > started.upgrades()) {
                return h;
            }
            if (h != null && h.lastUpgradeFailure() != null) {
                throw new StewardException(ErrorCode.CONFLICT, "the upgrade did not happen: " + h.lastUpgradeFailure());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new StewardException(ErrorCode.INTERNAL, "the daemon was not replaced within " + timeout.toSeconds()
                + " s" + (last != null ? ": " + last.getMessage() : ""));
    }

    /**
     * Serves the dashboard (or finds it served): where it was served last, a free loopback port the
     * first time. The answer's {@code link} carries the daemon's token: whoever has it controls the daemon.
     */
    public io.steward.api.UiInfo ui() {
        return io.steward.api.UiInfo.fromJson(client.object("POST", "/v1/ui", Json.object()));
    }

    /**
     * Serves the dashboard at {@code address}.
     *
     * @throws io.steward.api.StewardException {@code conflict} when the port is taken or the dashboard listens elsewhere
     */
    public io.steward.api.UiInfo ui(io.steward.api.UiAddress address) {
        return io.steward.api.UiInfo.fromJson(client.object("POST", "/v1/ui", Json.object("address", address.authority())));
    }

    /** Stops every session with {@code grace} (soft, then hard), then the daemon; answers before the stop. */
    public DaemonStopping stopDaemon(Duration grace) {
        return DaemonStopping.fromJson(client.object("POST", "/v1/daemon/stop", Json.object("graceMs", grace.toMillis())));
    }
}
