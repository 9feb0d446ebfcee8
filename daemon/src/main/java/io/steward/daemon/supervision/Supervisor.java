package io.steward.daemon.supervision;

import io.steward.api.HeartbeatEvent;
import io.steward.api.Outcome;
import io.steward.api.SessionEvent;
import io.steward.api.SessionState;
import io.steward.core.ExitStatus;
import io.steward.core.ManagedProcess;
import io.steward.core.ProcessRuntime;
import io.steward.core.ProcessSpec;
import io.steward.daemon.beats.BeatCounters;
import io.steward.daemon.beats.Heartbeats;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.Lifecycle;
import io.steward.daemon.session.RestartPolicy;
import io.steward.daemon.session.Session;
import io.steward.daemon.state.Journal;
import io.steward.daemon.state.StateFailures;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Decides a session's steps when its process exits, and starts the next process when the session
 * steps to {@code starting}: after a stall ({@code --on-stall restart}) once the whole
 * tree is stopped, and after a process ended by itself when its {@link RestartPolicy} says so, after
 * a backoff, and after a user's restart once the whole tree is stopped (or at once, for a session
 * that had ended). Every way the same spec starts again under the same id and name, writing on into
 * the same rings. A session someone stopped is never brought back but by a user's restart: a stop
 * leaves {@code starting}, {@code backoff} and {@code restarting} for {@code exited} or
 * {@code stopping}, and nothing but {@code starting} starts a process.
 */
final class Supervisor implements AutoCloseable {
    private final ProcessRuntime runtime;
    private final Journal journal;
    private final Events events;
    private final BiConsumer<Session, ManagedProcess> watchExit;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("steward-backoff").daemon(true).factory());
    private final Heartbeats heartbeats;

    /**
     * @param heartbeats told of a restarted session it watches, and counts stall restarts
     * @param watchExit tells the owner to watch a new process's exit
     */
    Supervisor(ProcessRuntime runtime, Journal journal, Events events, Heartbeats heartbeats,
            BiConsumer<Session, ManagedProcess> watchExit) {
        this.runtime = runtime;
        this.journal = journal;
        this.events = events;
        this.heartbeats = heartbeats;
        this.watchExit = watchExit;
    }

    /**
     * The session's process {@code p} exited: the step that follows, by the session's state and,
     * when it was running, by its restart policy. A stale exit (of a process already replaced) is
     * ignored.
     */
    void exited(Session s, ManagedProcess p, ExitStatus exit) {
        synchronized (s.lifecycle()) {
            if (s.process() != p) {
                return;
            }
            Lifecycle.Told told = (seq, at, session, name) -> new SessionEvent.Ended(seq, at, session, name, p.pid(),
                    exit.exitCode(), exit.signalName(), exit.outcome());
            switch (s.state()) {
                case RUNNING -> decide(s, p, exit, told);
                case STOPPING, RECOVERING, RESTARTING -> s.lifecycle().move(Lifecycle.Cause.EXIT, told);
                default -> { }
            }
        }
    }

    /** A running session's process exited by itself: restart after a backoff, give up, or end. */
    private void decide(Session s, ManagedProcess p, ExitStatus exit, Lifecycle.Told told) {
        RestartPolicy policy = s.request().restart();
        if (exit.outcome() != Outcome.NATURAL_EXIT || !policy.wants(exit)) {
            s.lifecycle().move(Lifecycle.Cause.EXIT, told);
            return;
        }
        long now = System.nanoTime();
        Duration ran = Duration.between(p.startedAt(), exit.exitedAt());
        int attempt = s.backoff().next(ran.compareTo(RestartPolicy.STABLE) >= 0, now);
        if (policy.maxRestarts() > 0 && s.backoff().within(policy.window(), now) >= policy.maxRestarts()) {
            int restarts = s.restarts();
            s.lifecycle().move(Lifecycle.Cause.GIVE_UP, (seq, at, session, name) -> new SessionEvent.Errored(seq, at,
                    session, name, restarts, policy.maxRestarts(), policy.window()));
            return;
        }
        Duration delay = RestartPolicy.delay(attempt);
        s.lifecycle().move(Lifecycle.Cause.EXIT_TO_RESTART, (seq, at, session, name) -> new SessionEvent.Backoff(seq,
                at, session, name, delay, attempt + 1, exit.exitCode(), exit.signalName()));
        s.backoff().due(now + delay.toNanos());
        armBackoff(s, delay.toNanos());
    }

    /** The backoff's end is due in {@code nanos}: the step to {@code starting} then. */
    private void armBackoff(Session s, long nanos) {
        // A stop meanwhile ends the backoff; the timer's step is then refused and does nothing.
        timer.schedule(() -> s.lifecycle().move(Lifecycle.Cause.BACKOFF_OVER, Lifecycle.Told.NOTHING),
                Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** A session handed over in its backoff: its restart comes when it was due, not a whole delay later. */
    void resumeBackoff(Session s) {
        armBackoff(s, s.backoff().dueNanos() - System.nanoTime());
    }

    /** Runs {@code task} on the backoff timer's thread (a hand-over holds it there). */
    void onTimerThread(Runnable task) {
        timer.execute(task);
    }

    /**
     * The session stepped to {@code starting}: once the ended process's rings are closed, its spec
     * starts again under the same id, name and rings, unless a stop came first.
     *
     * @param reason {@code stall}, {@code policy} or {@code user}
     */
    void respawn(Session s, String reason) {
        ManagedProcess old = s.process();
        Thread.ofVirtual().name("steward-restart").start(() -> {
            try {
                ExitStatus exit = old.onExit().join();
                old.awaitOutputClosed(RINGS_CLOSE_WAIT);
                start(s, old, exit, reason);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void start(Session s, ManagedProcess old, ExitStatus exit, String reason) {
        ManagedProcess next;
        synchronized (s.lifecycle()) {
            if (s.state() != SessionState.STARTING) {
                return; // a stop ended it meanwhile, and its step told so
            }
            try {
                next = runtime.spawn(nextRun(s, old.spec()), old);
            } catch (RuntimeException e) {
                failed(s, reason, e);
                return;
            }
            try {
                journal.add(Journal.Entry.of(next, s.auditTag()));
            } catch (RuntimeException e) {
                abandon(next);
                failed(s, reason, StateFailures.of(e, journal.file(),
                        "record the restart of '" + old.spec().argv().getFirst() + "'"));
                return;
            }
            s.vitals().restarted(System.nanoTime());
            int restarts = s.restarts() + 1;
            s.restarted(next, exit, (seq, at, session, name) -> new SessionEvent.Restarted(seq, at, session, name,
                    next.pid(), old.pid(), restarts, reason));
        }
        watchExit.accept(s, next);
        if (s.vitals().watched()) {
            heartbeats.watchNow();
        }
        if (reason.equals("stall")) {
            heartbeats.counters().recovery(BeatCounters.Recovery.RESTARTED);
            long pid = next.pid();
            events.publish((seq, at) -> new HeartbeatEvent.Recovered(seq, at, s.id(), s.name(), "restart",
                    BeatCounters.Recovery.RESTARTED.wire(), pid, null));
        }
    }

    /**
     * {@code spec} with an originator tag of this run's own ({@code steward-TAG.N}): a tree is
     * found by its tag too, so a run that shared its predecessor's could be taken for part of that
     * tree while its end is still being made sure of.
     */
    static ProcessSpec nextRun(Session s, ProcessSpec spec) {
        return spec.toBuilder().originator(Sessions.originator(s.auditTag(), s.restarts() + 1)).build();
    }

    private void failed(Session s, String reason, RuntimeException e) {
        String error = String.valueOf(e.getMessage());
        s.vitals().notReady(); // who waits for the next process's readiness hears there is none
        s.lifecycle().move(Lifecycle.Cause.START_FAILED,
                (seq, at, session, name) -> new SessionEvent.RestartFailed(seq, at, session, name, error));
        if (reason.equals("stall")) {
            heartbeats.counters().recovery(BeatCounters.Recovery.FAILED);
            events.publish((seq, at) -> new HeartbeatEvent.Recovered(seq, at, s.id(), s.name(), "restart",
                    BeatCounters.Recovery.FAILED.wire(), null, error));
        }
    }

    /** How long a restart waits for the ended process's last output before it cuts its pipes. */
    private static final Duration RINGS_CLOSE_WAIT = Duration.ofSeconds(5);

    /**
     * Kills a child whose start could not be journaled (whole tree) and waits for its end, so the
     * caller hears of the failure only once nothing runs that a crashed daemon's successor, reading
     * the journal, could not find.
     */
    static void abandon(ManagedProcess p) {
        try {
            p.kill().get(ABANDON_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // SIGKILL was sent to the tree; the runtime still tracks it and kills it on close
        }
    }

    private static final long ABANDON_WAIT_SECONDS = 10;

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
