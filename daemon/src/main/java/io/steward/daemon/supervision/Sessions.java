package io.steward.daemon.supervision;

import io.steward.api.ErrorCode;
import io.steward.api.RunOptions;
import io.steward.api.SessionEvent;
import io.steward.api.StewardException;
import io.steward.core.ExitStatus;
import io.steward.core.ManagedProcess;
import io.steward.core.ProcessRuntime;
import io.steward.core.ProcessSpec;
import io.steward.core.StdinSink;
import io.steward.daemon.beats.Heartbeats;
import io.steward.daemon.beats.SessionSocket;
import io.steward.daemon.session.AuditLog;
import io.steward.daemon.session.Caller;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.RunRequest;
import io.steward.daemon.session.Session;
import io.steward.daemon.session.SessionLog;
import io.steward.daemon.session.SessionRegistry;
import io.steward.daemon.state.Apps;
import io.steward.daemon.state.Bookkeeping;
import io.steward.daemon.state.Journal;
import io.steward.sys.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The session operations behind every API call, in one place: transport-independent, so the HTTP
 * layer only parses, calls and renders. Every mutating call is audited, refusals included.
 */
public final class Sessions {
    public static final int MAX_STDIN_BYTES = 1024 * 1024;

    private final ProcessRuntime runtime;
    private final ObservedActivity activity;
    private final SessionRegistry registry;
    private final Events events;
    private final AuditLog audit;
    private final Bookkeeping book;
    private final Supervisor supervisor;
    private final StepListener steps;
    private final Heartbeats heartbeats;

    private final java.nio.file.Path logs;
    private final SessionLog.Counters logCounters = new SessionLog.Counters();

    /**
     * @param heartbeats the heartbeat thread, which owns the sessions' own sockets
     * @param logs the directory of the sessions' log files
     */
    public Sessions(ProcessRuntime runtime, SessionRegistry registry, Events events, AuditLog audit, Journal journal,
            Heartbeats heartbeats, java.nio.file.Path logs) {
        this.logs = logs;
        this.runtime = runtime;
        this.registry = registry;
        this.events = events;
        this.audit = audit;
        this.heartbeats = heartbeats;
        this.book = new Bookkeeping(journal);
        this.supervisor = new Supervisor(runtime, journal, events, heartbeats, this::watchExit);
        this.steps = new StepListener(events, heartbeats.counters(), supervisor, registry, book);
        this.activity = new ObservedActivity(events);
        registry.onRemove(s -> {
            releaseLog(s);
            heartbeats.release(s);
            activity.forget(s.auditTag());
        });
        runtime.onProcessActivity(activity);
        runtime.onObservation(activity);
        // A journal write is no work for the I/O loop, where a setsid is heard.
        runtime.onEscape((root, pid, start) -> Thread.ofVirtual().start(() -> book.escaped(root, pid, start)));
    }

    /** What observed sessions' processes do, published; how many could not be told to a session yet. */
    public ObservedActivity activity() {
        return activity;
    }

    /** The runtime the sessions' processes run in. */
    public ProcessRuntime runtime() {
        return runtime;
    }

    public SessionRegistry registry() {
        return registry;
    }

    /**
     * A released session's log files go with it, unless it is a named app of the saved set, whose
     * logs are kept across runs (its next run rotates them).
     */
    private void releaseLog(Session s) {
        SessionLog log = s.log();
        if (log == null) {
            return;
        }
        if (book.keepsLogs(s)) {
            log.close();
        } else {
            log.closeAndDelete();
        }
    }

    /** What this daemon's log writers wrote and missed. */
    public SessionLog.Counters logCounters() {
        return logCounters;
    }

    public Heartbeats heartbeats() {
        return heartbeats;
    }

    public Session create(Caller caller, RunRequest request) {
        return create(caller, request, Apps.Source.RUN);
    }

    /** Starts a session; {@code source}: a {@code run}, or an apply from an apps file (and the app's place there). */
    public Session create(Caller caller, RunRequest request, Apps.Source source) {
        return create(caller, request, source, runtime::spawn);
    }

    /**
     * Starts a session whose first process {@code start} makes from the session's spec: a spawn,
     * or the restore of a checkpoint.
     */
    Session create(Caller caller, RunRequest request, Apps.Source source,
            java.util.function.Function<ProcessSpec, ManagedProcess> start) {
        Session s;
        synchronized (registry) {
            try {
                registry.admit(request);
            } catch (StewardException e) {
                audit.record(caller, "run", null, e.code().wire());
                throw e;
            }
            String id = registry.newId();
            String tag = registry.ids().auditTag(id);
            SessionSocket beats = null;
            SessionSocket notify = null;
            ManagedProcess p;
            if (!request.options().effectiveObserve().isEmpty()) {
                activity.expect(tag);
            }
            try {
                beats = heartbeats.open(SessionSocket.Kind.BEATS, tag);
                notify = request.needsNotifySocket() ? heartbeats.open(SessionSocket.Kind.NOTIFY, tag) : null;
                p = start.apply(sessionSpec(request, tag, beats, notify));
            } catch (RuntimeException e) {
                heartbeats.discard(beats, notify);
                activity.forget(tag);
                audit.record(caller, "run", null, e instanceof StewardException se ? se.code().wire() : "internal");
                throw e;
            }
            try {
                book.started(p, tag, request, source);
            } catch (StewardException e) {
                Supervisor.abandon(p); // nothing may run that the journal does not know of
                heartbeats.discard(beats, notify);
                activity.forget(tag);
                audit.record(caller, "run", null, e.code().wire());
                throw e;
            }
            s = new Session(id, registry.ids().key(id), tag, request, p, request.vitals(), steps);
            activity.registered(tag, s);
            // An exited session of the same name is released first, so its log files are gone (or,
            // for a saved app, kept to be rotated) before this one's writers open them.
            registry.add(s);
            if (request.logFile()) {
                s.log(new SessionLog(logs, request.name() != null ? request.name() : id, p, logCounters,
                        request.options().effective(RunOptions.LOG_TIMESTAMPS)));
            }
            heartbeats.attach(s, beats, notify);
        }
        audit.record(caller, "run", s.auditTag(), "ok");
        long pid = s.process().pid();
        events.publish((seq, at) -> new SessionEvent.Started(seq, at, s.id(), s.name(), pid, request.spec().argv()));
        watchExit(s, s.process());
        if (s.vitals().watched()) {
            heartbeats.watchNow();
        }
        return s;
    }

    /** The request's spec with what the session is told of: its originator tag and its heartbeat sockets. */
    ProcessSpec sessionSpec(RunRequest request, String tag, SessionSocket beats, SessionSocket notify) {
        ProcessSpec.Builder b = request.spec().toBuilder().originator(originator(tag, 0))
                .env("STEWARD_BEAT_SOCKET", beats.path().toString());
        if (notify != null) {
            b.env("NOTIFY_SOCKET", notify.path().toString());
        }
        if (request.watchdog() != null) {
            b.env("WATCHDOG_USEC", Long.toString(request.watchdog().toNanos() / 1000));
        }
        return b.build();
    }

    /** The originator tag of a session's run {@code n} (0 the first): {@code steward-TAG}, then {@code steward-TAG.N}. */
    static String originator(String tag, int n) {
        return n == 0 ? "steward-" + tag : "steward-" + tag + "." + n;
    }

    void watchExit(Session s, ManagedProcess p) {
        p.onExit().thenAccept(exit -> exited(s, p, exit));
    }

    private void exited(Session s, ManagedProcess p, ExitStatus exit) {
        book.ended(p.pid(), p.startTicks());
        s.vitals().notReady();
        heartbeats.forget(s);
        events.publish((seq, at) -> new SessionEvent.Exited(seq, at, s.id(), s.name(), p.pid(), exit.exitCode(),
                exit.signalName(), exit.outcome(), exit.leftovers().size()));
        supervisor.exited(s, p, exit);
    }

    /** Stops the session (soft, then hard) as a user's stop would, without recording it as one. */
    private void stop(Session s, String reason) {
        s.stopUnlessEnded(s.request().grace());
    }

    public Session find(String ref) {
        return registry.find(ref);
    }

    public void stdin(Caller caller, Session s, byte[] data, boolean eof) {
        StdinSink sink = s.process().stdin().orElseThrow(() -> refused(caller, "stdin", s,
                new StewardException(ErrorCode.CLOSED, "session " + s.id() + " has no stdin")));
        if (data.length > MAX_STDIN_BYTES) {
            throw refused(caller, "stdin", s, new StewardException(ErrorCode.TOO_LARGE,
                    "stdin write of " + data.length + " bytes exceeds " + MAX_STDIN_BYTES));
        }
        if (!s.live()) {
            throw refused(caller, "stdin", s, new StewardException(ErrorCode.CLOSED, "session " + s.id() + " has exited"));
        }
        try {
            sink.offer(data);
            if (eof) {
                sink.close();
            }
        } catch (StewardException e) {
            throw refused(caller, "stdin", s, e);
        }
        s.touch();
        audit.record(caller, eof ? "stdin-eof" : "stdin", s.auditTag(), "ok");
    }

    public void signal(Caller caller, Session s, String name) {
        Signal sig = Signal.parse(name).orElseThrow(() -> refused(caller, "signal", s,
                new StewardException(ErrorCode.INVALID_INPUT, "unknown signal '" + name + "'")));
        requireLive(caller, "signal", s);
        s.process().signal(sig);
        audit.record(caller, "signal", s.auditTag(), "ok");
    }

    /**
     * Stops the session first and records that afterwards: a stop never waits for, or fails on, the
     * disk. A session waiting to restart ends there.
     */
    public void stop(Caller caller, Session s, Duration grace) {
        try {
            s.stopForGood(grace != null ? grace : s.request().grace());
        } catch (StewardException e) {
            throw refused(caller, "stop", s, e);
        }
        userStopped(s);
        audit.record(caller, "stop", s.auditTag(), "ok");
    }

    /**
     * Stops the session's tree with {@code grace} (its own unless given) and starts the same spec
     * again under the same id, name and rings, as a policy restart does; an exited or errored one
     * starts again at once, counting against the quota as a run would. Returns once the stop has
     * begun; the session is {@code restarting}, then {@code starting}, until the next process runs.
     */
    public void restart(Caller caller, Session s, Duration grace) {
        // under the registry's lock, as a run's admission: an ended session's name is still its
        // own (a run taking the name releases it first), but the quota may have filled meanwhile
        synchronized (registry) {
            try {
                if (!s.active()) {
                    registry.readmit(s);
                }
                s.restart(grace != null ? grace : s.request().grace());
            } catch (StewardException e) {
                throw refused(caller, "restart", s, e);
            }
        }
        if (s.name() != null) {
            book.restarted(s.name());
        }
        audit.record(caller, "restart", s.auditTag(), "ok");
    }

    /**
     * Starts an exited or errored session again from its spec, under the same id, name and rings,
     * through the same step as {@link #restart} of an ended one (its restart tells
     * {@code user-start}); counts against the quota as a run would. A session alive is left alone.
     *
     * @return the session as the start left it, before its next process can run: {@code starting}
     *     when it was started, as it was (alive) otherwise
     */
    public io.steward.api.SessionInfo start(Caller caller, Session s) {
        boolean started;
        io.steward.api.SessionInfo info;
        synchronized (registry) { // as restart: the quota may have filled since it ended
            synchronized (s.lifecycle()) {
                try {
                    if (!s.active()) {
                        registry.readmit(s);
                    }
                    started = s.start();
                } catch (StewardException e) {
                    throw refused(caller, "start", s, e);
                }
                info = s.info();
            }
        }
        if (started && s.name() != null) {
            book.restarted(s.name());
        }
        audit.record(caller, "start", s.auditTag(), started ? "ok" : "ok:alive");
        return info;
    }

    /**
     * Sends the session's reload signal to its main process ({@link Reload}); one started with
     * {@code --notify} is then awaited until it says {@code RELOADING=1} and {@code READY=1}, at
     * most {@code timeout}.
     */
    public void reload(Caller caller, Session s, Duration timeout) {
        try {
            Reload.of(s, events).await(timeout);
        } catch (StewardException e) {
            throw refused(caller, "reload", s, e);
        }
        audit.record(caller, "reload", s.auditTag(), "ok");
    }

    public void kill(Caller caller, Session s) {
        try {
            s.killForGood();
        } catch (StewardException e) {
            throw refused(caller, "kill", s, e);
        }
        userStopped(s);
        audit.record(caller, "kill", s.auditTag(), "ok");
    }

    public void resize(Caller caller, Session s, long rows, long cols) {
        if (rows < 1 || rows > 10_000 || cols < 1 || cols > 10_000) {
            throw refused(caller, "resize", s, new StewardException(ErrorCode.INVALID_INPUT,
                    "rows and cols must be within 1..10000"));
        }
        try {
            s.process().resize((int) rows, (int) cols);
        } catch (StewardException e) {
            throw refused(caller, "resize", s, e);
        }
        s.touch();
        audit.record(caller, "resize", s.auditTag(), "ok");
    }

    /** Releases an exited session; a live one is a conflict. */
    public void remove(Caller caller, Session s) {
        if (s.active()) {
            throw refused(caller, "rm", s, new StewardException(ErrorCode.CONFLICT,
                    "session " + s.id() + " is still running; stop it first"));
        }
        if (registry.remove(s, "removed")) {
            forgetApp(s);
        }
        audit.record(caller, "rm", s.auditTag(), "ok");
    }

    /** Removed by a user: a named session stops being an app (retention's release keeps it). */
    private void forgetApp(Session s) {
        if (s.name() != null) {
            book.removed(s.name());
        }
    }

    /** Releases every exited session. */
    public List<String> purge(Caller caller) {
        List<String> released = new ArrayList<>();
        for (Session s : registry.all()) {
            if (registry.remove(s, "purged")) {
                forgetApp(s);
                released.add(s.id());
            }
        }
        audit.record(caller, "purge", null, "ok:" + released.size());
        return released;
    }

    /**
     * A user's stop whose end is awaited: the whole tree, with the session's grace, until its
     * process has exited (an apply restarting or removing an app).
     */
    public void stopAndWait(Caller caller, Session s) {
        try {
            stop(caller, s, null);
        } catch (StewardException e) {
            if (s.active()) {
                throw e;
            }
        }
        try {
            s.whenEnded().get(s.request().grace().plusSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new StewardException(ErrorCode.INTERNAL, "session " + s.id() + " did not end after its stop");
        }
    }

    /** Stops every live session older than {@code age}. */
    public List<String> killOlder(Caller caller, Duration age) {
        List<String> stopped = new ArrayList<>();
        long now = System.nanoTime();
        for (Session s : registry.list(false, null)) {
            if (now - s.createdNanos() > age.toNanos()) {
                stop(s, "kill-older");
                stopped.add(s.id());
            }
        }
        audit.record(caller, "kill-older", null, "ok:" + stopped.size());
        return stopped;
    }

    /**
     * A checkpoint kept the images of {@code s}'s tree, which it left stopped: the session ends as
     * by a stop, and a named one is not meant to run again until restored.
     */
    void endCheckpointed(Session s) {
        s.endCheckpointed();
        userStopped(s);
    }

    /** A named session someone stopped is not meant to run any more: resurrect leaves it alone. */
    private void userStopped(Session s) {
        if (s.name() != null) {
            book.stopped(s.name());
        }
    }

    public Apps apps() {
        return book.apps();
    }

    /** What the daemon writes to state.db about its sessions. */
    /** Runs {@code task} on the backoff timer's thread: a hand-over holds it there, so no restart begins meanwhile. */
    public void onBackoffThread(Runnable task) {
        supervisor.onTimerThread(task);
    }

    Supervisor supervisor() {
        return supervisor;
    }

    StepListener steps() {
        return steps;
    }

    java.nio.file.Path logs() {
        return logs;
    }

    public Bookkeeping book() {
        return book;
    }

    public void close() {
        supervisor.close();
        for (Session s : registry.all()) {
            if (s.log() != null) {
                s.log().close();
            }
        }
    }

    private void requireLive(Caller caller, String action, Session s) {
        if (!s.live()) {
            throw refused(caller, action, s, new StewardException(ErrorCode.CONFLICT, "session " + s.id() + " has exited"));
        }
    }

    StewardException refused(Caller caller, String action, Session s, StewardException e) {
        audit.record(caller, action, s == null ? null : s.auditTag(), e.code().wire());
        return e;
    }

    public Events events() {
        return events;
    }

    public AuditLog audit() {
        return audit;
    }
}
