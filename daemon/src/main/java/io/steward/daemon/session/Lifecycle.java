package io.steward.daemon.session;

import io.steward.api.Event;
import io.steward.api.SessionState;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * A session's life: one state, changed only by {@link #move} (or {@link #started}) under this
 * object's lock, following {@link #TABLE}. Each step names its cause and its event; the listener
 * hears every step while the lock is held, so steps are seen in the order they happened. Who waits
 * for "the next process or the end" holds a future that a step completes: nobody polls.
 *
 * @param <P> the process type (the daemon's {@code ManagedProcess}; anything in a test)
 */
public final class Lifecycle<P> {

    /** Why a session moves. */
    public enum Cause {
        /** A user's stop or kill, a limit, an apply, a shutdown. */
        STOP,
        /** Its watchdog or heartbeats went silent and its stall action is restart. */
        STALL,
        /**
         * A user restarts it: its tree stops with its grace, then the same spec starts again; an
         * exited or errored session starts again at once.
         */
        USER_RESTART,
        /**
         * A user starts an exited or errored session again from its spec, as a restart of an ended
         * session does; its restart tells {@code user-start}. A session still alive is not stepped.
         */
        USER_START,
        /** Its process exited and nothing brings it back (or a restart's stop finished). */
        EXIT,
        /** Its process exited and the restart policy wants it again after a delay. */
        EXIT_TO_RESTART,
        /** Its process exited and the restarts allowed within the window are used up. */
        GIVE_UP,
        /** The backoff delay ran out. */
        BACKOFF_OVER,
        /** The next process runs. */
        STARTED,
        /** The next process could not be started. */
        START_FAILED,
        /** It leaves the daemon. */
        RELEASE
    }

    /** One allowed step: from a state, for a cause, to a state, telling an event (or none). */
    public record Step(SessionState from, Cause cause, SessionState to, String event) {}

    /** Every allowed step; a pair not here is refused and changes nothing. */
    static final List<Step> TABLE = List.of(
            new Step(SessionState.RUNNING, Cause.STOP, SessionState.STOPPING, null),
            new Step(SessionState.RUNNING, Cause.STALL, SessionState.RECOVERING, null),
            new Step(SessionState.RUNNING, Cause.USER_RESTART, SessionState.RESTARTING, null),
            new Step(SessionState.RUNNING, Cause.EXIT, SessionState.EXITED, "ended"),
            new Step(SessionState.RUNNING, Cause.EXIT_TO_RESTART, SessionState.BACKOFF, "backoff"),
            new Step(SessionState.RUNNING, Cause.GIVE_UP, SessionState.ERRORED, "errored"),
            new Step(SessionState.STOPPING, Cause.STOP, SessionState.STOPPING, null),
            new Step(SessionState.STOPPING, Cause.EXIT, SessionState.EXITED, "ended"),
            new Step(SessionState.RECOVERING, Cause.STOP, SessionState.STOPPING, "recovery-refused"),
            new Step(SessionState.RECOVERING, Cause.EXIT, SessionState.STARTING, null),
            new Step(SessionState.RESTARTING, Cause.STOP, SessionState.STOPPING, "restart-cancelled"),
            new Step(SessionState.RESTARTING, Cause.EXIT, SessionState.STARTING, null),
            new Step(SessionState.BACKOFF, Cause.STOP, SessionState.EXITED, "restart-cancelled"),
            new Step(SessionState.BACKOFF, Cause.BACKOFF_OVER, SessionState.STARTING, null),
            new Step(SessionState.STARTING, Cause.STOP, SessionState.EXITED, "restart-cancelled"),
            new Step(SessionState.STARTING, Cause.STARTED, SessionState.RUNNING, "restarted"),
            new Step(SessionState.STARTING, Cause.START_FAILED, SessionState.EXITED, "restart-failed"),
            new Step(SessionState.EXITED, Cause.RELEASE, SessionState.RELEASED, "reaped"),
            new Step(SessionState.EXITED, Cause.USER_RESTART, SessionState.STARTING, null),
            new Step(SessionState.EXITED, Cause.USER_START, SessionState.STARTING, null),
            new Step(SessionState.ERRORED, Cause.RELEASE, SessionState.RELEASED, "reaped"),
            new Step(SessionState.ERRORED, Cause.USER_RESTART, SessionState.STARTING, null),
            new Step(SessionState.ERRORED, Cause.USER_START, SessionState.STARTING, null));

    private static final Map<SessionState, Map<Cause, Step>> STEPS = index();

    /**
     * What a step's event tells: the api's record of it, made once the event stream has numbered
     * it, for the session of that id and name. A step without an event never asks.
     */
    @FunctionalInterface
    public interface Told {
        /** For a cause whose steps tell nothing of their own (the listener knows what a stop tells). */
        Told NOTHING = (seq, at, session, name) -> {
            throw new IllegalStateException("this step tells nothing of its own");
        };

        Event event(long seq, Instant at, String session, String name);
    }

    /** Hears every step, under the lifecycle's lock: it must not block. */
    interface Listener<P> {
        void moved(Step step, P process, Told told);
    }

    /** Futures complete off the lock, so what depends on them never runs inside a step. */
    private static final Executor COMPLETER = Executors.newVirtualThreadPerTaskExecutor();

    private final Listener<P> listener;
    private volatile SessionState state = SessionState.RUNNING;
    private volatile P process;
    private volatile int restarts;
    private volatile long endedNanos;
    /** The step that ended the session, or null while it has not. */
    private volatile Step ending;
    /** Completes with the successor of {@link #process}, or with null once the session has ended. */
    private CompletableFuture<P> next = new CompletableFuture<>();
    /** Completes when the session ends; a user's restart of an ended session starts a new one. */
    private CompletableFuture<SessionState> end = new CompletableFuture<>();

    Lifecycle(P first, Listener<P> listener) {
        this.process = first;
        this.listener = listener;
    }

    /**
     * The state, restarts and how it ended, for a daemon that takes over. Without the lock: a step
     * under way may be waiting for the frozen event stream (see {@link Events#freeze}).
     */
    void handOver(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeUTF(state.name());
        out.writeInt(restarts);
        out.writeLong(endedNanos);
        out.writeUTF(ending == null ? "" : ending.from().name() + " " + ending.cause().name());
    }

    /** Takes what {@link #handOver} wrote, on a lifecycle nobody has seen yet: no step is told. */
    synchronized void takeOver(java.io.DataInputStream in) throws java.io.IOException {
        state = SessionState.valueOf(in.readUTF());
        restarts = in.readInt();
        endedNanos = in.readLong();
        String e = in.readUTF();
        if (!e.isEmpty()) {
            String[] parts = e.split(" ");
            ending = step(SessionState.valueOf(parts[0]), Cause.valueOf(parts[1]));
        }
        if (state.ended()) {
            next.complete(null);
            end.complete(state);
        }
    }

    SessionState state() {
        return state;
    }

    /** The current process: a restart replaces it. */
    P process() {
        return process;
    }

    int restarts() {
        return restarts;
    }

    /** When the session ended ({@link System#nanoTime}), or 0 while it has not. */
    long endedNanos() {
        return endedNanos;
    }

    /**
     * Ended with nobody's stop: its process exited while it was running and the restart policy let
     * that stand, or it gave up restarting.
     */
    boolean endedByItself() {
        Step e = ending;
        return e != null && e.from() == SessionState.RUNNING && (e.cause() == Cause.EXIT || e.cause() == Cause.GIVE_UP);
    }

    /** Whether {@code cause} would be taken now. */
    synchronized boolean allows(Cause cause) {
        return step(state, cause) != null;
    }

    /**
     * Takes the step for {@code cause} from the current state, if the table has one.
     *
     * @param told what the step's event tells, if the step has one
     * @return false when the step is refused: nothing changed
     */
    public synchronized boolean move(Cause cause, Told told) {
        if (cause == Cause.STARTED) {
            throw new IllegalArgumentException("a start names its process: use started()");
        }
        Step step = step(state, cause);
        if (step == null) {
            return false;
        }
        enter(step, told);
        return true;
    }

    /**
     * The next process runs in place of the one that ended ({@code STARTING → RUNNING}).
     *
     * @return false when the session is not starting (a stop came first): {@code successor} is not taken
     */
    synchronized boolean started(P successor, Told told) {
        Step step = step(state, Cause.STARTED);
        if (step == null) {
            return false;
        }
        CompletableFuture<P> waiting = next;
        next = new CompletableFuture<>();
        process = successor;
        restarts++;
        enter(step, told);
        COMPLETER.execute(() -> waiting.complete(successor));
        return true;
    }

    private void enter(Step step, Told told) {
        state = step.to();
        if (step.to().ended() && !step.from().ended()) {
            endedNanos = System.nanoTime();
            ending = step;
            CompletableFuture<P> waiting = next;
            CompletableFuture<SessionState> ended = end;
            COMPLETER.execute(() -> {
                waiting.complete(null);
                ended.complete(step.to());
            });
        } else if (step.from().ended() && !step.to().ended()) {
            // a user restarted an ended session: it lives again, and whoever waits now waits anew
            endedNanos = 0;
            ending = null;
            next = new CompletableFuture<>();
            end = new CompletableFuture<>();
        }
        listener.moved(step, process, told);
    }

    /**
     * Completes with the process that followed {@code p} (at once if one already has), or with null
     * once the session has ended with {@code p} as its last.
     */
    synchronized CompletableFuture<P> successorOf(P p) {
        if (process != p) {
            return CompletableFuture.completedFuture(process);
        }
        if (state.ended()) {
            return CompletableFuture.completedFuture(null);
        }
        return next.copy();
    }

    /** Completes with the end state once the session has ended for good. */
    synchronized CompletableFuture<SessionState> ended() {
        return end.copy();
    }

    /** The step for {@code cause} from {@code from}, or null when the table has none. */
    static Step step(SessionState from, Cause cause) {
        return STEPS.get(from).get(cause);
    }

    private static Map<SessionState, Map<Cause, Step>> index() {
        Map<SessionState, Map<Cause, Step>> m = new EnumMap<>(SessionState.class);
        for (SessionState s : SessionState.values()) {
            m.put(s, new EnumMap<>(Cause.class));
        }
        for (Step step : TABLE) {
            if (m.get(step.from()).put(step.cause(), step) != null) {
                throw new IllegalStateException("two steps from " + step.from() + " for " + step.cause());
            }
        }
        return m;
    }
}
