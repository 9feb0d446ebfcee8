package io.steward.daemon.beats;

import io.steward.api.HeartbeatEvent;
import io.steward.api.SessionState;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.Session;
import io.steward.daemon.session.StallAction;
import io.steward.daemon.session.Vitals;
import io.steward.heartbeat.Origin;
import java.time.Duration;
import java.util.List;
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
        List<Session> watched = sessions.stream().filter(s -> s.live() && s.vitals().watched()).toList();
        watched.forEach(s -> s.vitals().clockGap(now, gapNanos));
        counters.clockGap();
        events.publish((seq, at) -> new HeartbeatEvent.ClockGap(seq, at, millis(gapNanos), watched.size()));
    }

    /** Proofs of life came back after a stall. */
    void resumed(Session s, int pid, long now) {
        events.publish((seq, at) -> new HeartbeatEvent.Resumed(seq, at, s.id(), s.name(), pid));
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
        long pid = s.process().pid();
        Long agent = v.lastProofPid() != 0 ? (long) v.lastProofPid() : null;
        Duration silent = millis(v.silentNanos(now));
        Duration threshold = millis(v.limitNanos());
        events.publish((seq, at) -> new HeartbeatEvent.Stall(seq, at, s.id(), s.name(), pid, reason, agent,
                origin != null ? origin.api() : null, silent, threshold, v.onStall().wire()));
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
                if (!s.recover("stall")) {
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
        events.publish((seq, at) -> new HeartbeatEvent.Recovered(seq, at, s.id(), s.name(), action.wire(),
                outcome.wire(), null, null));
    }

    private void refuse(Session s, BeatCounters.Refusal reason, StallAction action) {
        counters.refusal(reason);
        events.publish((seq, at) -> new HeartbeatEvent.RecoveryRefused(seq, at, s.id(), s.name(), action.wire(),
                reason.wire()));
    }

    /** Whole milliseconds, as events count them. */
    private static Duration millis(long nanos) {
        return Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(nanos));
    }
}
