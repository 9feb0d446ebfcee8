package io.steward.daemon;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.StewardException;
import io.steward.core.Capabilities;
import io.steward.core.ManagedProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The HTTP/JSON API: parses, checks the caller, calls {@link Sessions}, renders. Every failure is
 * a problem document with a stable {@code code}. Runs on virtual threads, so waiting (wait,
 * events) simply blocks.
 */
final class ApiHandler extends Handler.Abstract {
    private final Daemon daemon;
    private final Sessions sessions;
    private final int ownerUid;
    private final SessionOutput output;
    private final Metrics metrics;
    private final Apply apply;

    ApiHandler(Daemon daemon, int ownerUid, Metrics metrics) {
        this.daemon = daemon;
        this.sessions = daemon.sessions();
        this.ownerUid = ownerUid;
        this.metrics = metrics;
        this.output = new SessionOutput(sessions.registry(), sessions.audit());
        this.apply = new Apply(sessions);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        metrics.request();
        try {
            Caller caller = caller(request, sessions);
            route(caller, request, response, callback);
        } catch (StewardException e) {
            metrics.error(e.code());
            Http.problem(response, e, callback);
        } catch (RuntimeException e) {
            metrics.error(ErrorCode.INTERNAL);
            Http.problem(response, new StewardException(ErrorCode.INTERNAL, "internal error: " + e), callback);
        }
        return true;
    }

    /** The connection's caller; another uid is refused, and audited. */
    Caller caller(Request request, Sessions sessions) {
        Peers.Peer peer = (Peers.Peer) request.getConnectionMetaData().getAttribute(Peers.ATTRIBUTE);
        Caller caller = peer == null ? new Caller(-1, -1) : new Caller(peer.uid(), peer.pid());
        if (caller.uid() != ownerUid) {
            sessions.audit().record(caller, request.getMethod() + " " + Request.getPathInContext(request), null,
                    "forbidden");
            throw Daemon.forbidden(caller.uid());
        }
        return caller;
    }

    private void route(Caller caller, Request request, Response response, Callback cb) {
        String method = request.getMethod();
        String path = Request.getPathInContext(request);
        Fields query = Http.query(request);
        String[] parts = path.split("/", -1);
        if (path.equals("/metrics")) {
            requireMethod(method, "GET");
            Http.send(response, 200, "text/plain; version=0.0.4", metrics.render(sessions).getBytes(), cb);
            return;
        }
        if (parts.length < 3 || !parts[1].equals("v1")) {
            throw notFound(path);
        }
        switch (parts[2]) {
            case "health" -> {
                requireMethod(method, "GET");
                Http.json(response, 200, daemon.health(), cb);
            }
            case "capabilities" -> {
                requireMethod(method, "GET");
                List<Object> caps = new ArrayList<>();
                for (Capabilities.Capability c : Capabilities.probe()) {
                    caps.add(c.toJson());
                }
                Http.json(response, 200, Json.object("capabilities", caps), cb);
            }
            case "beats" -> {
                requireMethod(method, "GET");
                Http.json(response, 200, Json.object("agents", sessions.heartbeats().agents(),
                        "socketDir", sessions.heartbeats().beatSocketDir().toString()), cb);
            }
            case "events" -> {
                requireMethod(method, "GET");
                EventStream.serve(sessions.events(), request, response, cb);
            }
            case "flush" -> {
                requireMethod(method, "POST");
                Http.json(response, 200, Json.object("flushed", output.flush(caller, null)), cb);
            }
            case "save" -> {
                requireMethod(method, "POST");
                Http.json(response, 200, new Resurrection(sessions, sessions.registry()).save(caller), cb);
            }
            case "resurrect" -> {
                requireMethod(method, "POST");
                Http.json(response, 200, new Resurrection(sessions, sessions.registry()).resurrect(caller), cb);
            }
            case "apply" -> {
                requireMethod(method, "POST");
                Http.json(response, 200, apply.apply(caller, Http.jsonBody(request)), cb);
            }
            case "purge" -> {
                requireMethod(method, "POST");
                Http.json(response, 200, Json.object("released", sessions.purge(caller)), cb);
            }
            case "kill-older" -> {
                requireMethod(method, "POST");
                Long ms = RunRequest.integer(Http.jsonBody(request), "olderThanMs");
                if (ms == null || ms < 0) {
                    throw new StewardException(ErrorCode.INVALID_INPUT, "olderThanMs: a duration in milliseconds is required");
                }
                Http.json(response, 200, Json.object("stopped", sessions.killOlder(caller, Duration.ofMillis(ms))), cb);
            }
            case "daemon" -> {
                if (parts.length != 4 || !parts[3].equals("stop")) {
                    throw notFound(path);
                }
                requireMethod(method, "POST");
                Long ms = RunRequest.integer(Http.jsonBody(request), "graceMs");
                Duration grace = ms != null ? Duration.ofMillis(ms) : RunRequest.DEFAULT_GRACE;
                sessions.audit().record(caller, "daemon-stop", null, "ok");
                Http.json(response, 202, Json.object("stopping", true, "graceMs", grace.toMillis()), cb);
                Thread.ofVirtual().start(() -> daemon.shutdown(grace));
            }
            case "sessions" -> sessions(caller, method, parts, query, request, response, cb);
            default -> throw notFound(path);
        }
    }

    private void sessions(Caller caller, String method, String[] parts, Fields query, Request request,
            Response response, Callback cb) {
        if (parts.length == 3) {
            if (method.equals("POST")) {
                Session s = sessions.create(caller, RunRequest.parse(Http.jsonBody(request)));
                Http.json(response, 201, s.view(), cb);
            } else {
                requireMethod(method, "GET", "POST");
                boolean all = "true".equals(query.getValue("all"));
                List<Object> views = new ArrayList<>();
                for (Session s : sessions.registry().list(all, query.getValue("label"))) {
                    views.add(s.view());
                }
                Http.json(response, 200, Json.object("sessions", views), cb);
            }
            return;
        }
        Session s = sessions.find(parts[3]);
        String action = parts.length > 4 ? parts[4] : "";
        if (parts.length > 5) {
            throw notFound(String.join("/", parts));
        }
        switch (action) {
            case "" -> {
                if (method.equals("DELETE")) {
                    sessions.remove(caller, s);
                    Http.json(response, 200, s.view(), cb);
                } else {
                    requireMethod(method, "GET", "DELETE");
                    Http.json(response, 200, s.view(), cb);
                }
            }
            case "output" -> {
                requireMethod(method, "GET");
                long cursor = longParam(query, "cursor", 0);
                int max = (int) Math.min(longParam(query, "max", 64 * 1024), SessionOutput.MAX_READ_BYTES);
                Http.json(response, 200, output.output(s, query.getValue("stream"), cursor, max), cb);
            }
            case "stdin" -> {
                requireMethod(method, "POST");
                byte[] data = Http.body(request, Sessions.MAX_STDIN_BYTES);
                sessions.stdin(caller, s, data, "true".equals(query.getValue("eof")));
                Http.json(response, 200, Json.object("written", data.length, "eof", "true".equals(query.getValue("eof"))), cb);
            }
            case "signal" -> {
                requireMethod(method, "POST");
                String sig = RunRequest.string(Http.jsonBody(request), "signal");
                if (sig == null) {
                    throw new StewardException(ErrorCode.INVALID_INPUT, "signal: a signal name such as TERM is required");
                }
                sessions.signal(caller, s, sig);
                Http.json(response, 200, s.view(), cb);
            }
            case "stop" -> {
                requireMethod(method, "POST");
                Map<String, Object> body = Http.jsonBody(request);
                Duration grace = RunRequest.duration(body, "graceMs");
                sessions.stop(caller, s, grace);
                if (RunRequest.bool(body, "wait", false)) {
                    await(s, Duration.ofDays(1));
                }
                Http.json(response, 200, s.view(), cb);
            }
            case "flush" -> {
                requireMethod(method, "POST");
                Http.json(response, 200, Json.object("flushed", output.flush(caller, s)), cb);
            }
            case "kill" -> {
                requireMethod(method, "POST");
                sessions.kill(caller, s);
                Http.json(response, 200, s.view(), cb);
            }
            case "resize" -> {
                requireMethod(method, "POST");
                Map<String, Object> body = Http.jsonBody(request);
                Long rows = RunRequest.integer(body, "rows");
                Long cols = RunRequest.integer(body, "cols");
                if (rows == null || cols == null) {
                    throw new StewardException(ErrorCode.INVALID_INPUT, "rows and cols are required");
                }
                sessions.resize(caller, s, rows, cols);
                Http.json(response, 200, s.view(), cb);
            }
            case "wait" -> {
                requireMethod(method, "POST");
                Map<String, Object> body = Http.jsonBody(request);
                Duration timeout = RunRequest.duration(body, "timeoutMs");
                timeout = timeout != null ? timeout : Duration.ofDays(1);
                String until = RunRequest.string(body, "for");
                boolean done = switch (until == null ? "exit" : until) {
                    case "exit" -> await(s, timeout);
                    case "ready" -> awaitReady(s, timeout);
                    default -> throw new StewardException(ErrorCode.INVALID_INPUT, "for: exit or ready");
                };
                Map<String, Object> view = s.view();
                view.put("timedOut", !done);
                Http.json(response, 200, view, cb);
            }
            default -> throw notFound(String.join("/", parts));
        }
    }

    /**
     * Waits until the session ends for good: through restarts, by policy or for a stall, since a
     * session that is starting its process again has not ended.
     */
    private static boolean await(Session s, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            ManagedProcess p = s.process;
            while (p != null) {
                if (p.waitFor(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))).isEmpty()) {
                    return false;
                }
                p = s.awaitSuccessor(p, deadline - System.nanoTime(), () -> false);
            }
            return s.endedWith(s.process);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until the session says {@code READY=1}, or its process ends first (then the view says
     * so); a session without a notify socket can never become ready, so that is refused at once.
     */
    private static boolean awaitReady(Session s, Duration timeout) {
        if (!s.vitals.notify) {
            throw new StewardException(ErrorCode.INVALID_INPUT,
                    "session " + s.id + " has no notify socket, so it can never report ready; start it with --notify");
        }
        try {
            s.vitals.readiness().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
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

    private static long longParam(Fields query, String name, long dflt) {
        String v = query.getValue(name);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new StewardException(ErrorCode.INVALID_INPUT, name + ": a non-negative integer is required");
        }
    }

    private static void requireMethod(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new StewardException(ErrorCode.INVALID_INPUT, "method " + method + " not allowed here; use "
                + String.join(" or ", allowed));
    }

    private static StewardException notFound(String path) {
        return new StewardException(ErrorCode.NOT_FOUND, "no such endpoint: " + path);
    }
}
