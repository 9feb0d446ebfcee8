package io.steward.daemon.beats;

import io.steward.api.Json;
import io.steward.api.SessionState;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.Session;
import io.steward.daemon.session.StallAction;
import io.steward.daemon.session.Vitals;
import io.steward.heartbeat.Origin;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds sessions whose signs of life stopped and applies their {@code --on-stall} action, unless
 * it must not: the proof of life came over an unverified transport (anyone on the network can send
 * UDP), or from another PID namespace (our pids name other processes there). Every stall and every
 * decision is an event. Runs on the heartbeat thread.
 */
final class StallWatch {
    private final Events events;
    private final BeatCounters counters;
    private final boolean allowUnverified;

    StallWatch(Events events, BeatCounters counters, boolean allowUnverified) {
        this.events = events;
        this.counters = counters;
        this.allowUnverified = allowUnverified;
    }

    void tick(List<Session> sessions, long now) {
        for (Session s : sessions) {
            Vitals.Stall why;
            if (s.live() && (why = s.vitals().stallDue(now)) != null) {
                stalled(s, why.wire(), now);
            }
        }
    }

    /**
     * The heartbeat thread could not look for {@code gapNanos} (the daemon was stopped, or starved):
     * every live watched session gets a fresh threshold before the next judgement, and the gap is
     * counted and told as a {@code clock-gap} event.
     */
    void clockGap(List<Session> sessions, long now, long gapNanos) {
        int watched = 0;
        for (Session s : sessions) {
            if (s.live() && s.vitals().watched()) {
                s.vitals().clockGap(now, gapNanos);
                watched++;
            }
        }
        counters.clockGap();
        events.publish("clock-gap", Json.object("gapMs", TimeUnit.NANOSECONDS.toMillis(gapNanos), "sessions", watched));
    }

    /** Proofs of life came back after a stall. */
    void resumed(Session s, int pid, long now) {
        events.publish("resumed", Json.object("session", s.id(), "name", s.name(), "pid", pid));
    }

    /** The agent sent its terminal critical beat: it is failing now, whatever its threshold. */
    void panicked(Session s, int pid, long now) {
        stalled(s, "panicked", now);
    }

    /** {@code WATCHDOG=trigger}: the program asks to be treated as stalled. */
    void triggered(Session s, int pid, long now) {
        stalled(s, "watchdog-trigger", now);
    }

    private void stalled(Session s, String reason, long now) {
        Vitals v = s.vitals();
        counters.stall();
        Origin origin = v.lastOrigin();
        events.publish("stall", Json.object("session", s.id(), "name", s.name(), "pid", s.process().pid(),
                "reason", reason, "agentPid", v.lastProofPid() != 0 ? v.lastProofPid() : null,
                "origin", origin != null ? origin.wire() : null,
                "silentMs", TimeUnit.NANOSECONDS.toMillis(v.silentNanos(now)),
                "thresholdMs", TimeUnit.NANOSECONDS.toMillis(v.limitNanos()), "action", v.onStall().wire()));
        StallAction action = v.onStall();
        if (action.kind() == StallAction.Kind.NONE || s.state() != SessionState.RUNNING) {
            return;
        }
        if (origin == Origin.NETWORK_UNVERIFIED && !allowUnverified) {
            refuse(s, BeatCounters.Refusal.NETWORK_UNVERIFIED, action);
            return;
        }
        if (v.crossNamespace()) {
            refuse(s, BeatCounters.Refusal.CROSS_NAMESPACE, action);
            return;
        }
        if (!v.mayAct(now)) {
            refuse(s, BeatCounters.Refusal.DEBOUNCED, action);
            return;
        }
        switch (action.kind()) {
            case RESTART -> {
                if (!s.recover()) {
                    refuse(s, BeatCounters.Refusal.USER_STOPPED, action);
                }
            }
            case STOP -> {
                s.stopUnlessEnded(s.request().grace());
                recovered(s, action, BeatCounters.Recovery.STOPPED);
            }
            case SIGNAL -> {
                s.process().signal(action.signal());
                recovered(s, action, BeatCounters.Recovery.SIGNALLED);
            }
            case NONE -> { }
        }
    }

    private void recovered(Session s, StallAction action, BeatCounters.Recovery outcome) {
        counters.recovery(outcome);
        events.publish("recovered", Json.object("session", s.id(), "name", s.name(), "action", action.wire(),
                "outcome", outcome.wire()));
    }

    private void refuse(Session s, BeatCounters.Refusal reason, StallAction action) {
        counters.refusal(reason);
        Map<String, Object> m = Json.object("session", s.id(), "name", s.name(), "action", action.wire(),
                "reason", reason.wire());
        events.publish("recovery-refused", m);
    }
}
