package io.steward.daemon.http;

import io.steward.api.CapabilityMatrix;
import io.steward.api.DaemonStopping;
import io.steward.api.ErrorCode;
import io.steward.api.FlushResult;
import io.steward.api.KillOlderResult;
import io.steward.api.PurgeResult;
import io.steward.api.SessionInfo;
import io.steward.api.SessionList;
import io.steward.api.StdinWritten;
import io.steward.api.StewardException;
import io.steward.core.Capabilities;
import io.steward.daemon.apps.Apply;
import io.steward.daemon.session.Caller;
import io.steward.daemon.session.JsonBody;
import io.steward.daemon.session.RunRequest;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.Session;
import io.steward.daemon.session.SessionTree;
import io.steward.daemon.session.SessionPorts;
import io.steward.daemon.supervision.Sessions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP/JSON API: parses, checks the caller, calls {@link Sessions}, renders. Every failure is
 * a problem document with a stable {@code code}. Runs on virtual threads, so waiting (wait,
 * events) simply blocks.
 */
final class ApiHandler extends Handler.Abstract {
    private final Backend daemon;
    private final Sessions sessions;
    private final int ownerUid;
    private final SessionOutput output;
    private final Metrics metrics;
    private final Apply apply;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    /** Set while a hand-over drains the API. */
    private volatile boolean upgrading;
    /** Completes when a hand-over begins to drain the API: a waiting request gives up then. */
    private volatile java.util.concurrent.CompletableFuture<Void> drained = new java.util.concurrent.CompletableFuture<>();

    private final UiListener ui;

    ApiHandler(Backend daemon, int ownerUid, Metrics metrics, UiListener ui) {
        this.daemon = daemon;
        this.ui = ui;
        this.sessions = daemon.sessions();
        this.ownerUid = ownerUid;
        this.metrics = metrics;
        this.output = new SessionOutput(sessions.registry(), sessions.audit());
        this.apply = daemon.apply();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        // Counted before the look at the drain, which sets it before it counts: one of the two sees the other.
        inFlight.incrementAndGet();
        if (upgrading) {
            inFlight.decrementAndGet();
            Http.problem(response, upgradingNow(), callback);
            return true;
        }
        // A thread of its own: many handlers wait (wait, apply, events, logs), and Jetty's threads
        // are a few platform threads that must stay free to select and to carry keystrokes.
        // Under way until its answer is out, not merely written: a hand-over must not cut an answer off.
        Runnable done = once(inFlight::decrementAndGet);
        Callback counted = new Callback() {
            @Override
            public void succeeded() {
                callback.succeeded();
                done.run();
            }

            @Override
            public void failed(Throwable x) {
                callback.failed(x);
                done.run();
            }
        };
        Thread.ofVirtual().name("steward-api").start(() -> serve(request, response, counted, done));
        return true;
    }

    /**
     * Stops serving for a hand-over: a request from now on is answered {@code upgrading} (nothing
     * done, send it again), a request waiting for a session (wait, stop --wait) is answered so too,
     * and the call returns once the requests under way are done, or false at {@code patience}.
     */
    boolean drain(Duration patience) throws InterruptedException {
        upgrading = true;
        drained.complete(null);
        long deadline = System.nanoTime() + patience.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    /** Serves again: the hand-over did not happen. */
    void undrain() {
        drained = new java.util.concurrent.CompletableFuture<>();
        upgrading = false;
    }

    private static StewardException upgradingNow() {
        return new StewardException(ErrorCode.UPGRADING,
                "the daemon is being replaced in place and did nothing with this request; send it again");
    }

    private static Runnable once(Runnable r) {
        java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (ran.compareAndSet(false, true)) {
                r.run();
            }
        };
    }

    private void serve(Request request, Response response, Callback callback, Runnable streaming) {
        metrics.request();
        try {
            Caller caller = caller(request, sessions);
            route(caller, request, response, callback, streaming);
        } catch (StewardException e) {
            metrics.error(e.code());
            if (e instanceof Route.MethodNotAllowed m) {
                response.getHeaders().put(HttpHeader.ALLOW, m.allow);
            }
            Http.problem(response, e, callback);
        } catch (RuntimeException e) {
            metrics.error(ErrorCode.INTERNAL);
            Http.problem(response, new StewardException(ErrorCode.INTERNAL, "internal error: " + e), callback);
        }
    }

    /** The connection's caller; another uid is refused, and audited. */
    Caller caller(Request request, Sessions sessions) {
        // Set on the request by UiGate once the dashboard's token checked out, else the Unix socket's peer.
        Peers.Peer peer = request.getAttribute(Peers.ATTRIBUTE) instanceof Peers.Peer p ? p
                : (Peers.Peer) request.getConnectionMetaData().getAttribute(Peers.ATTRIBUTE);
        Caller caller = peer == null ? new Caller(-1, -1) : new Caller(peer.uid(), peer.pid());
        if (caller.uid() != ownerUid) {
            sessions.audit().record(caller, request.getMethod() + " " + Request.getPathInContext(request), null,
                    "forbidden");
            throw forbidden(caller.uid());
        }
        return caller;
    }

    private static StewardException forbidden(int uid) {
        return new StewardException(ErrorCode.FORBIDDEN, "uid " + uid + " may not use this daemon");
    }

    /**
     * Finds the route, then reads everything the request says (query, body) into checked values,
     * and only then acts: a refused request has changed nothing.
     */
    private void route(Caller caller, Request request, Response response, Callback cb, Runnable streaming) {
        Route.Match match = Route.match(request.getMethod(), Request.getPathInContext(request));
        Query query = Query.of(request, match.route());
        Session s = match.ref() != null ? sessions.find(match.ref()) : null;
        switch (match.route()) {
            case METRICS -> Http.send(response, 200, "text/plain; version=0.0.4", metrics.render(sessions, daemon.checkpoints()).getBytes(), cb);
            case HEALTH -> Http.json(response, 200, daemon.health().withUi(ui.url()).toJson(), cb);
            case UI -> Http.json(response, 200, ui.start(caller, body(request, "address").string("address"), sessions.audit()).toJson(), cb);
            case CAPABILITIES -> Http.json(response, 200,
                    capabilities(sessions.runtime(), daemon.home().dir()).toJson(), cb);
            case PORTS -> Http.json(response, 200, SessionPorts.of(sessions.registry().list(false, null)).toJson(), cb);
            case BEATS -> Http.json(response, 200, sessions.heartbeats().stats().toJson(), cb);
            case EVENTS -> {
                streaming.run(); // a stream is not a request under way: a hand-over ends it, and its client resumes
                EventStream.serve(sessions.events(), EventStream.since(query, request),
                    query.nonNegative("until", -1), new Events.Filter(EventStream.categories(query), null), response, cb);
            }
            case FLUSH_ALL -> {
                noBody(request);
                Http.json(response, 200, new FlushResult(output.flush(caller, null)).toJson(), cb);
            }
            case SAVE -> {
                noBody(request);
                Http.json(response, 200, daemon.resurrection().save(caller).toJson(), cb);
            }
            case RESURRECT -> {
                noBody(request);
                Http.json(response, 200, daemon.resurrection().resurrect(caller).toJson(), cb);
            }
            case APPLY -> Http.json(response, 200, apply.apply(caller, Http.jsonBody(request)).toJson(), cb);
            case PURGE -> {
                noBody(request);
                Http.json(response, 200, new PurgeResult(sessions.purge(caller)).toJson(), cb);
            }
            case KILL_OLDER -> {
                JsonBody body = body(request, "olderThanMs");
                Duration age = body.duration("olderThanMs");
                if (age == null) {
                    throw JsonBody.invalid("olderThanMs: a duration in milliseconds is required");
                }
                Http.json(response, 200, new KillOlderResult(sessions.killOlder(caller, age)).toJson(), cb);
            }
            case DAEMON_STOP -> {
                Duration ms = body(request, "graceMs").duration("graceMs");
                Duration grace = ms != null ? ms : RunRequest.DEFAULT_GRACE;
                sessions.audit().record(caller, "daemon-stop", null, "ok");
                Http.json(response, 202, new DaemonStopping(true, grace).toJson(), cb);
                Thread.ofVirtual().start(() -> daemon.shutdown(grace));
            }
            case DAEMON_UPGRADE -> {
                JsonBody body = body(request, "command");
                java.util.List<String> command = body.strings("command");
                Http.json(response, 202, daemon.upgrade(caller, command != null ? command : List.of()).toJson(), cb);
            }
            case LIST -> {
                boolean all = query.bool("all");
                List<SessionInfo> infos = new ArrayList<>();
                for (Session one : sessions.registry().list(all, query.string("label"))) {
                    infos.add(one.info());
                }
                Http.json(response, 200, new SessionList(infos).toJson(), cb);
            }
            case RUN -> {
                Session started = sessions.create(caller, RunRequest.parse(Http.jsonBody(request)));
                Http.json(response, 201, started.info().toJson(), cb);
            }
            case SESSION -> Http.json(response, 200, s.info().toJson(), cb);
            case REMOVE -> {
                noBody(request);
                sessions.remove(caller, s);
                Http.json(response, 200, s.info().toJson(), cb);
            }
            case OUTPUT -> {
                long cursor = query.nonNegative("cursor", 0);
                int max = (int) Math.min(query.nonNegative("max", 64 * 1024), SessionOutput.MAX_READ_BYTES);
                Http.json(response, 200, output.output(s, query.string("stream"), cursor, max).toJson(), cb);
            }
            case LOGS -> {
                int max = (int) Math.min(query.nonNegative("max", 64 * 1024), SessionOutput.MAX_READ_BYTES);
                Http.json(response, 200, output.interleaved(s, query.nonNegative("stdout", 0),
                        query.nonNegative("stderr", 0), max).toJson(), cb);
            }
            case STDIN -> {
                boolean eof = query.bool("eof");
                byte[] data = Http.body(request, Sessions.MAX_STDIN_BYTES);
                sessions.stdin(caller, s, data, eof);
                Http.json(response, 200, new StdinWritten(data.length, eof).toJson(), cb);
            }
            case SIGNAL -> {
                String sig = body(request, "signal").requiredString("signal", "a signal name such as TERM");
                sessions.signal(caller, s, sig);
                Http.json(response, 200, s.info().toJson(), cb);
            }
            case STOP -> {
                JsonBody body = body(request, "graceMs", "wait");
                Duration grace = body.duration("graceMs");
                boolean wait = body.bool("wait", false);
                sessions.stop(caller, s, grace);
                if (wait) {
                    await(s, Duration.ofDays(1));
                }
                Http.json(response, 200, s.info().toJson(), cb);
            }
            case RESTART -> {
                sessions.restart(caller, s, body(request, "graceMs").duration("graceMs"));
                Http.json(response, 200, s.info().toJson(), cb);
            }
            case START -> {
                noBody(request);
                Http.json(response, 200, sessions.start(caller, s).toJson(), cb);
            }
            case RELOAD -> {
                Duration timeout = body(request, "timeoutMs").duration("timeoutMs");
                sessions.reload(caller, s, timeout != null ? timeout : RELOAD_TIMEOUT);
                Http.json(response, 200, s.info().toJson(), cb);
            }
            case KILL -> {
                noBody(request);
                sessions.kill(caller, s);
                Http.json(response, 200, s.info().toJson(), cb);
            }
            case RESIZE -> {
                JsonBody body = body(request, "rows", "cols");
                long rows = body.requiredInteger("rows", 1, 10_000);
                long cols = body.requiredInteger("cols", 1, 10_000);
                sessions.resize(caller, s, rows, cols);
                Http.json(response, 200, s.info().toJson(), cb);
            }
            case WAIT -> {
                JsonBody body = body(request, "timeoutMs", "for");
                Duration timeout = body.duration("timeoutMs");
                timeout = timeout != null ? timeout : Duration.ofDays(1);
                String until = body.string("for");
                boolean done = switch (until == null ? "exit" : until) {
                    case "exit" -> await(s, timeout);
                    case "ready" -> awaitReady(s, timeout);
                    default -> throw JsonBody.invalid("for: exit or ready, not '" + until + "'");
                };
                Http.json(response, 200, s.info(!done).toJson(), cb);
            }
            case FLUSH -> {
                noBody(request);
                Http.json(response, 200, new FlushResult(output.flush(caller, s)).toJson(), cb);
            }
            case SESSION_PORTS -> Http.json(response, 200, SessionPorts.of(List.of(s)).toJson(), cb);
            case SESSION_TREE -> Http.json(response, 200, SessionTree.of(s).toJson(), cb);
            case SAMPLES -> Http.json(response, 200, s.usage().samples(s.id(), daemon.samplePeriod()).toJson(), cb);
            case SESSION_EVENTS -> {
                streaming.run();
                EventStream.serve(sessions.events(), EventStream.since(query, request),
                        query.nonNegative("until", -1), new Events.Filter(EventStream.categories(query), s.id()),
                        response, cb);
            }
            case CHECKPOINT -> {
                JsonBody body = body(request, "leaveRunning", "tag", "recordUnsupported");
                Http.json(response, 201, daemon.checkpoints().checkpoint(caller, s, body.bool("leaveRunning", false),
                        body.string("tag"), body.bool("recordUnsupported", false)).toJson(), cb);
            }
            case RESTORE -> {
                JsonBody body = body(request, "checkpoint", "name");
                String ref = body.requiredString("checkpoint", "a checkpoint's digest, digest prefix or tag");
                Http.json(response, 201, daemon.checkpoints().restore(caller, ref, body.string("name")).info().toJson(),
                        cb);
            }
            case CHECKPOINTS -> Http.json(response, 200, daemon.checkpoints().list().toJson(), cb);
            case CHECKPOINT_GC -> {
                noBody(request);
                Http.json(response, 200, daemon.checkpoints().gc(caller).toJson(), cb);
            }
            case CHECKPOINT_INFO -> Http.json(response, 200, daemon.checkpoints().get(match.checkpoint()).toJson(), cb);
            case CHECKPOINT_REMOVE -> {
                noBody(request);
                Http.json(response, 200, daemon.checkpoints().remove(caller, match.checkpoint()).toJson(), cb);
            }
            case ATTACH -> throw JsonBody.invalid("attach: a WebSocket upgrade is required (Upgrade: websocket)");
        }
    }

    /** How long a reload of a {@code --notify} session waits for its READY=1, as run --wait-ready waits by default. */
    static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(60);

    /** What the host lets steward observe, as the runtime probes it. */
    private static CapabilityMatrix capabilities(io.steward.core.ProcessRuntime runtime, java.nio.file.Path home) {
        return new CapabilityMatrix(Capabilities.probe(runtime, home).stream().map(c -> new CapabilityMatrix.Capability(c.category(),
                switch (c.support()) {
                    case SUPPORTED -> CapabilityMatrix.Support.SUPPORTED;
                    case PARTIAL -> CapabilityMatrix.Support.PARTIAL;
                    case UNAVAILABLE -> CapabilityMatrix.Support.UNAVAILABLE;
                }, c.backend(), c.reason())).toList());
    }

    /** The request's JSON body, whose fields must be among {@code fields}. */
    private static JsonBody body(Request request, String... fields) {
        return JsonBody.of(Http.jsonBody(request), Set.of(fields));
    }

    /** An endpoint that takes no body: none, or an empty JSON object, and nothing else is silently ignored. */
    private static void noBody(Request request) {
        body(request);
    }

    /**
     * Waits until the session ends for good: through restarts, by policy or for a stall, since a
     * session that is starting its process again has not ended.
     */
    private boolean await(Session s, Duration timeout) {
        try {
            var ended = s.whenEnded();
            java.util.concurrent.CompletableFuture.anyOf(ended, drained)
                    .get(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            if (!ended.isDone()) {
                throw upgradingNow();
            }
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until the session says {@code READY=1}, or its process ends first (then the view says
     * so); a session without a notify socket can never become ready, so that is refused at once.
     */
    private boolean awaitReady(Session s, Duration timeout) {
        if (!s.vitals().expectsReady()) {
            throw new StewardException(ErrorCode.INVALID_INPUT,
                    "session " + s.id() + " has no notify socket, so it can never report ready; start it with --notify");
        }
        try {
            var ready = s.vitals().readiness();
            java.util.concurrent.CompletableFuture.anyOf(ready, drained)
                    .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (!ready.isDone()) {
                throw upgradingNow();
            }
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
