package io.steward.daemon.supervision;

import io.steward.api.HeartbeatEvent;
import io.steward.api.Outcome;
import io.steward.api.SessionEvent;
import io.steward.api.SessionState;
import io.steward.daemon.beats.BeatCounters;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.Lifecycle;
import io.steward.daemon.session.Session;
import io.steward.daemon.session.SessionRegistry;
import io.steward.daemon.state.Bookkeeping;

/**
 * Hears every step of every session's life, under its lifecycle's lock: publishes the step's
 * event, starts what the new state asks for (the next process, from {@code starting}), and lets
 * a named session that ended by itself stop being meant to run. Must not block.
 */
final class StepListener implements Session.Steps {
    private final Events events;
    private final BeatCounters counters;
    private final Supervisor supervisor;
    private final SessionRegistry registry;
    private final Bookkeeping book;

    StepListener(Events events, BeatCounters counters, Supervisor supervisor, SessionRegistry registry,
            Bookkeeping book) {
        this.events = events;
        this.counters = counters;
        this.supervisor = supervisor;
        this.registry = registry;
        this.book = book;
    }

    @Override
    public void moved(Session s, Lifecycle.Step step, Lifecycle.Told told) {
        if (step.event() != null) {
            Lifecycle.Told what = step.cause() != Lifecycle.Cause.STOP ? told
                    : step.from() == SessionState.RECOVERING ? recoveryRefused() : SessionEvent.RestartCancelled::new;
            events.publish((seq, at) -> what.event(seq, at, s.id(), s.name()));
        }
        if (step.to() == SessionState.STARTING) {
            supervisor.respawn(s, step.cause() == Lifecycle.Cause.USER_START ? "user-start" : switch (step.from()) {
                case RECOVERING -> s.recoveryReason();
                case BACKOFF -> "policy";
                default -> "user"; // from restarting, or an ended session restarted
            });
        }
        boolean byItself = step.cause() == Lifecycle.Cause.GIVE_UP || step.cause() == Lifecycle.Cause.EXIT
                && step.from() == SessionState.RUNNING
                && s.process().exitStatus().filter(e -> e.outcome() == Outcome.NATURAL_EXIT).isPresent();
        if (byItself && s.name() != null) {
            // off the I/O loop, which may be running this: a start holds the registry across its spawn
            Thread.ofVirtual().name("steward-ended").start(() -> endedByItself(s));
        }
    }

    /** A stop ends a stall's restart under way: the recovery is refused, as the user's stop wins. */
    private Lifecycle.Told recoveryRefused() {
        counters.refusal(BeatCounters.Refusal.USER_STOPPED);
        return (seq, at, session, name) -> new HeartbeatEvent.RecoveryRefused(seq, at, session, name, "restart",
                BeatCounters.Refusal.USER_STOPPED.wire());
    }

    /**
     * A named session ended by itself and its policy let that stand (done, or errored): not meant
     * to run any more. Unless a new session took its name meanwhile: that one is admitted under the
     * registry's lock, and its start's record must be the last word.
     */
    private void endedByItself(Session s) {
        synchronized (registry) {
            if (registry.all().contains(s)) {
                book.endedByItself(s.name());
            }
        }
    }
}
