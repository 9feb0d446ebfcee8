package io.steward.daemon;

import io.steward.api.Json;
import io.steward.api.Outcome;
import io.steward.core.ExitStatus;
import io.steward.core.ManagedProcess;
import io.steward.core.ProcessRuntime;
import io.steward.core.Ring;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Brings sessions back: after a stall ({@code --on-stall restart}) by stopping the whole tree first,
 * and after a process ended by itself when its {@link RestartPolicy} says so, after a backoff. Either
 * way the same spec starts again under the same id and name, writing on into the same rings. A
 * session someone stopped is never brought back, not even by a restart already under way, and a
 * process a stop ended (a user's, a limit's) is not restarted by policy.
 */
final class Supervisor implements AutoCloseable {
    private final ProcessRuntime runtime;
    private final Journal journal;
    private final Events events;
    private final BiConsumer<Session, ManagedProcess> watchExit;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("steward-backoff").daemon(true).factory());
    private Heartbeats heartbeats;

    /** @param watchExit tells the owner to watch a new process's exit */
    Supervisor(ProcessRuntime runtime, Journal journal, Events events, BiConsumer<Session, ManagedProcess> watchExit) {
        this.runtime = runtime;
        this.journal = journal;
        this.events = events;
        this.watchExit = watchExit;
    }

    void heartbeats(Heartbeats h) {
        this.heartbeats = h;
    }

    /** A stall restart: stops the tree with the session's grace, then starts it again. */
    boolean restartStalled(Session s, String reason) {
        ManagedProcess old;
        synchronized (s) {
            if (s.stopRequested()) {
                return false;
            }
            old = s.process;
            s.recovering(true);
        }
        Thread.ofVirtual().name("steward-restart").start(() -> {
            try {
                ExitStatus exit = old.stop(s.request.grace()).get();
                boolean done = respawn(s, old, exit, reason);
                if (done) {
                    heartbeats.counters().recovery(BeatCounters.Recovery.RESTARTED);
                    events.publish("recovered", Json.object("session", s.id, "name", s.name(), "action", "restart",
                            "outcome", BeatCounters.Recovery.RESTARTED.wire(), "pid", s.process.pid()));
                } else {
                    heartbeats.counters().refusal(BeatCounters.Refusal.USER_STOPPED);
                    events.publish("recovery-refused", Json.object("session", s.id, "name", s.name(),
                            "action", "restart", "reason", BeatCounters.Refusal.USER_STOPPED.wire()));
                }
            } catch (Exception e) {
                heartbeats.counters().recovery(BeatCounters.Recovery.FAILED);
                events.publish("recovered", Json.object("session", s.id, "name", s.name(), "action", "restart",
                        "outcome", BeatCounters.Recovery.FAILED.wire(), "error", String.valueOf(e.getMessage())));
            } finally {
                s.recovering(false);
                if (s.process == old && !s.live() && s.exitedNanos() == 0) {
                    s.markExited(); // stopped meanwhile, or the new start failed: the session has ended
                }
            }
        });
        return true;
    }

    /**
     * The session's current process exited. Returns true when a restart is scheduled, so the
     * session is not to be treated as ended.
     */
    boolean exited(Session s, ManagedProcess p, ExitStatus exit) {
        RestartPolicy policy = s.request.restart();
        synchronized (s) {
            if (s.process != p || s.recovering() || s.stopRequested() || exit.outcome() != Outcome.NATURAL_EXIT
                    || !policy.wants(exit)) {
                return s.recovering() && s.process == p;
            }
            long now = System.nanoTime();
            Duration ran = Duration.between(p.startedAt(), exit.exitedAt());
            int attempt = s.backoff().next(ran.compareTo(RestartPolicy.STABLE) >= 0, now);
            if (policy.maxRestarts() > 0 && s.backoff().within(policy.window(), now) >= policy.maxRestarts()) {
                s.errored();
                events.publish("errored", Json.object("session", s.id, "name", s.name(), "restarts", s.restarts(),
                        "maxRestarts", policy.maxRestarts(), "withinMs", policy.window().toMillis()));
                return false;
            }
            Duration delay = RestartPolicy.delay(attempt);
            events.publish("backoff", Json.object("session", s.id, "name", s.name(), "delayMs", delay.toMillis(),
                    "attempt", attempt + 1, "exitCode", exit.exitCode(), "signal", exit.signalName()));
            s.pendingRestart(timer.schedule(() -> {
                try {
                    respawn(s, p, exit, "policy");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    events.publish("restart-failed", Json.object("session", s.id, "name", s.name(),
                            "error", String.valueOf(e.getMessage())));
                    s.pendingRestart(null);
                    s.markExited();
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS));
            return true;
        }
    }

    /**
     * Starts the session's spec again in place of {@code old}, which ended with {@code exit}.
     *
     * @return false when someone stopped the session meanwhile
     */
    private boolean respawn(Session s, ManagedProcess old, ExitStatus exit, String reason) throws InterruptedException {
        awaitRingsClosed(old);
        ManagedProcess next;
        synchronized (s) {
            s.pendingRestart(null);
            if (s.stopRequested() || s.process != old) {
                return false;
            }
            next = runtime.spawn(old.spec(), old);
            try {
                journal.add(Journal.Entry.of(next, s.auditTag));
            } catch (RuntimeException e) {
                abandon(next);
                throw StateFailures.of(e, journal.file(), "record the restart of '" + old.spec().argv().getFirst() + "'");
            }
            s.vitals.restarted(System.nanoTime());
            s.restarted(next, exit);
        }
        events.publish("restarted", Json.object("session", s.id, "name", s.name(), "pid", next.pid(),
                "previousPid", old.pid(), "restarts", s.restarts(), "reason", reason));
        watchExit.accept(s, next);
        if (s.vitals.watched()) {
            heartbeats.watchNow();
        }
        return true;
    }

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

    /**
     * The old process's channels close its rings once they read its last byte; the next process
     * may only take them over after that, or the old reader's close would end the new stream.
     */
    private static void awaitRingsClosed(ManagedProcess p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Ring r : new Ring[] {p.stdout(), p.stderr().orElse(null)}) {
            while (r != null && !r.closed() && System.nanoTime() < deadline) {
                r.await(Long.MAX_VALUE, 50, TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
