package io.steward.daemon.supervision;

import io.steward.api.Durations;
import io.steward.api.ErrorCode;
import io.steward.api.SessionEvent;
import io.steward.api.SessionState;
import io.steward.api.StewardException;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.Session;
import io.steward.sys.Signal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A user's reload, systemd's notify-reload contract: the session's reload signal ({@code --reload-signal},
 * HUP unless set) goes to its main process alone, as systemd sends it to the main process; a server
 * passes it on to its workers itself. A session started with {@code --notify} is then awaited until
 * it says {@code RELOADING=1} and then {@code READY=1}; any other has nothing to tell, so the reload
 * is done once the signal is sent.
 *
 * @param done null when nothing is awaited
 */
record Reload(Session session, Signal signal, long pid, CompletableFuture<Boolean> done) {

    /**
     * Sends the signal (and publishes {@code reloading}) under the session's lifecycle lock, so no
     * restart slips in between the check and the signal.
     *
     * @throws StewardException {@code conflict} when the session is not running, or a reload of it is awaited already
     */
    static Reload of(Session s, Events events) {
        Signal signal = s.request().reloadSignal();
        Reload r;
        synchronized (s.lifecycle()) {
            if (s.state() != SessionState.RUNNING) {
                throw new StewardException(ErrorCode.CONFLICT, "session " + s.id() + " is " + s.state().wire()
                        + ", not running: there is nothing to reload");
            }
            CompletableFuture<Boolean> done = s.vitals().expectsReady() ? s.vitals().reloadAsked(s.id()) : null;
            try {
                s.process().signalMain(signal);
            } catch (StewardException exited) {
                if (done != null) {
                    s.vitals().reloadAbandoned(done);
                }
                throw exited;
            }
            r = new Reload(s, signal, s.process().pid(), done);
        }
        events.publish((seq, at) -> new SessionEvent.Reloading(seq, at, s.id(), s.name(), r.pid(), signal.name()));
        return r;
    }

    /**
     * Waits until the session says it reloaded.
     *
     * @throws StewardException {@code not-ready} when it does not within {@code timeout}, or its process ends first
     */
    void await(Duration timeout) {
        if (done == null) {
            return;
        }
        long start = System.nanoTime();
        try {
            if (!done.get(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new StewardException(ErrorCode.NOT_READY, "session " + session.id() + " ended while it reloaded, after "
                        + waited(start) + " (" + signal.name() + " sent to pid " + pid + ")");
            }
        } catch (TimeoutException e) {
            session.vitals().reloadAbandoned(done);
            throw new StewardException(ErrorCode.NOT_READY, "session " + session.id() + " did not say RELOADING=1 and then"
                    + " READY=1 within " + Durations.format(timeout) + " of " + signal.name() + " to pid " + pid
                    + "; it is still running");
        } catch (InterruptedException e) {
            session.vitals().reloadAbandoned(done);
            Thread.currentThread().interrupt();
            throw new StewardException(ErrorCode.INTERNAL, "reload of session " + session.id() + " interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static String waited(long start) {
        return Durations.format(Duration.ofMillis((System.nanoTime() - start) / 1_000_000));
    }
}
