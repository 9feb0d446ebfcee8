package io.steward.api;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads an event by its type into its record, and writes the fields every event begins with. */
final class EventJson {
    private EventJson() {}

    /** {@code seq}, {@code type} and {@code at}, then {@code fields} (name, value, …) in their order. */
    static Map<String, Object> write(Event e, Object... fields) {
        Map<String, Object> m = Json.object("seq", e.seq(), "type", e.type(), "category", e.category(), "at",
                JsonFields.instant(e.at()));
        m.putAll(Json.object(fields));
        return m;
    }

    /** A field only some events of a type have: written when it has a value. */
    static void putPresent(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    static Event read(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        long seq = f.longValue("seq");
        String type = f.text("type");
        Instant at = f.instant("at");
        String session = f.text("session");
        String name = f.text("name");
        return switch (type == null ? "" : type) {
            case "started" -> new SessionEvent.Started(seq, at, session, name, f.longValue("pid"), f.texts("argv"));
            case "exited" -> new SessionEvent.Exited(seq, at, session, name, f.longValue("pid"), f.integer("exitCode"),
                    f.text("signal"), f.wire("outcome", Outcome.values()), f.longValue("leftovers"));
            case "ended" -> new SessionEvent.Ended(seq, at, session, name, f.longValue("pid"), f.integer("exitCode"),
                    f.text("signal"), f.wire("outcome", Outcome.values()));
            case "backoff" -> new SessionEvent.Backoff(seq, at, session, name, f.millis("delayMs"),
                    f.longValue("attempt"), f.integer("exitCode"), f.text("signal"));
            case "errored" -> new SessionEvent.Errored(seq, at, session, name, f.longValue("restarts"),
                    f.longValue("maxRestarts"), f.millis("withinMs"));
            case "restarted" -> new SessionEvent.Restarted(seq, at, session, name, f.longValue("pid"),
                    f.longValue("previousPid"), f.longValue("restarts"), f.text("reason"));
            case "restart-cancelled" -> new SessionEvent.RestartCancelled(seq, at, session, name);
            case "restart-failed" -> new SessionEvent.RestartFailed(seq, at, session, name, f.text("error"));
            case "reaped" -> new SessionEvent.Reaped(seq, at, session, name, f.text("reason"));
            case "stolen" -> new SessionEvent.Stolen(seq, at, session, name);
            case "limit" -> new SessionEvent.Limit(seq, at, session, name, f.text("reason"), f.millis("graceMs"));
            case "memory-exceeded" -> new SessionEvent.MemoryExceeded(seq, at, session, name, f.longValue("pid"),
                    f.longValue("rssBytes"), f.longValue("limitBytes"), f.longValue("processes"), f.text("action"));
            case "reloading" -> new SessionEvent.Reloading(seq, at, session, name, f.longValue("pid"),
                    f.text("signal"));
            case "checkpointed" -> new SessionEvent.Checkpointed(seq, at, session, name, f.text("digest"),
                    f.text("tag"), f.flag("leftRunning"), f.longValue("storedBytes"), f.millis("tookMs"));
            case "restored" -> new SessionEvent.Restored(seq, at, session, name, f.longValue("pid"), f.text("digest"));
            case "checkpoint-failed" -> new SessionEvent.CheckpointFailed(seq, at, session, name, f.text("action"),
                    f.text("error"));
            case "ready" -> new HeartbeatEvent.Ready(seq, at, session, name, f.longValue("pid"));
            case "reloaded" -> new HeartbeatEvent.Reloaded(seq, at, session, name, f.longValue("pid"));
            case "status" -> new HeartbeatEvent.Status(seq, at, session, name, f.text("status"));
            case "stall" -> new HeartbeatEvent.Stall(seq, at, session, name, f.longValue("pid"), f.text("reason"),
                    f.number("agentPid"), f.wire("origin", BeatOrigin.values()), f.millis("silentMs"),
                    f.millis("thresholdMs"), f.text("action"));
            case "resumed" -> new HeartbeatEvent.Resumed(seq, at, session, name, f.longValue("pid"));
            case "clock-gap" -> new HeartbeatEvent.ClockGap(seq, at, f.millis("gapMs"), f.longValue("sessions"));
            case "recovered" -> new HeartbeatEvent.Recovered(seq, at, session, name, f.text("action"),
                    f.text("outcome"), f.number("pid"), f.text("error"));
            case "recovery-refused" -> new HeartbeatEvent.RecoveryRefused(seq, at, session, name, f.text("action"),
                    f.text("reason"));
            case "ctrl-truncated" -> new HeartbeatEvent.CtrlTruncated(seq, at, session, f.longValue("length"),
                    f.longValue("suppressed"));
            case "auth-failure" -> new HeartbeatEvent.AuthFailure(seq, at, session, f.number("claimedPid"),
                    f.longValue("senderPid"), f.number("senderUid"), f.text("reason"), f.text("transport"),
                    f.longValue("suppressed"));
            case "decode" -> new HeartbeatEvent.Decode(seq, at, f.text("kind"), f.longValue("length"),
                    f.number("senderPid"), f.longValue("suppressed"));
            case "origin-conflict" -> new HeartbeatEvent.OriginConflict(seq, at, f.longValue("claimedPid"),
                    f.wire("observedOrigin", BeatOrigin.values()), f.wire("slotOrigin", BeatOrigin.values()),
                    f.longValue("suppressed"));
            case "namespace-conflict" -> new HeartbeatEvent.NamespaceConflict(seq, at, f.longValue("claimedPid"),
                    f.longValue("observedNamespace"), f.longValue("suppressed"));
            case "io" -> new HeartbeatEvent.Io(seq, at, f.text("operation"), f.text("error"), f.longValue("suppressed"));
            case "leftover-killed" -> new DaemonEvent.LeftoverKilled(seq, at, f.longValue("pid"), f.text("argv0"),
                    session, f.longs("killed"));
            case "daemon-stopping" -> new DaemonEvent.Stopping(seq, at, f.millis("graceMs"));
            case "daemon-upgraded" -> new DaemonEvent.Upgraded(seq, at, f.text("from"), f.text("to"), f.millis("windowMs"),
                    f.longValue("upgrades"));
            case "upgrade-failed" -> new DaemonEvent.UpgradeFailed(seq, at, f.text("reason"));
            case "apply" -> new DaemonEvent.Applied(seq, at, f.texts("started"), f.texts("restarted"),
                    f.texts("stopped"), f.texts("unchanged"), f.text("error"));
            case "saved" -> new DaemonEvent.Saved(seq, at, f.texts("apps"));
            case "resurrected" -> new DaemonEvent.Resurrected(seq, at, f.texts("started"), f.longValue("failed"));
            case "dropped" -> new DaemonEvent.Dropped(seq, at, f.longValue("events"));
            case "forked" -> new ObservedEvent.Forked(seq, at, session, name, f.longValue("pid"), f.longValue("ppid"));
            case "exec" -> new ObservedEvent.Exec(seq, at, session, name, f.longValue("pid"), f.texts("argv"),
                    f.text("comm"));
            case "opened", "written", "created", "deleted", "moved" -> new ObservedEvent.File(seq, at, type, session,
                    name, f.longValue("pid"), f.text("path"), f.text("toPath"));
            case "listening", "connected", "closed" -> new ObservedEvent.Socket(seq, at, type, session, name,
                    f.longValue("pid"), f.text("protocol"), f.text("family"), f.text("local"), f.text("remote"),
                    f.number("bytesIn"), f.number("bytesOut"));
            case "suppressed", "lost" -> new ObservedEvent.Missed(seq, at, type, f.text("category"), session, name,
                    f.longValue("events"));
            case "process-exited" -> new ObservedEvent.ProcessExited(seq, at, session, name, f.longValue("pid"),
                    f.longValue("ppid"), f.integer("exitCode"), f.text("signal"));
            default -> other(seq, type, at, json);
        };
    }

    private static Event.Other other(long seq, String type, Instant at, Map<String, Object> json) {
        Map<String, Object> fields = new LinkedHashMap<>(json);
        fields.keySet().removeAll(List.of("seq", "type", "at"));
        return new Event.Other(seq, type, at, Collections.unmodifiableMap(fields));
    }
}
