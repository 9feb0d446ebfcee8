package io.steward.daemon.http;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every endpoint of the API: its method, its path ({@code {ref}} stands for a session) and the
 * query parameters it takes. The one place where what a path takes is known: a path no route has
 * is {@code not-found}; a path some route has, with a method none of them takes, is 405
 * {@code method-not-allowed} with the methods they do take in {@code Allow}; a query parameter the
 * route does not take is {@code invalid-input} ({@link Query}).
 */
enum Route {
    METRICS("GET", "/metrics"),
    HEALTH("GET", "/v1/health"),
    /** Starts the dashboard's listener, or finds it: its address and token. */
    UI("POST", "/v1/ui"),
    CAPABILITIES("GET", "/v1/capabilities"),
    PORTS("GET", "/v1/ports"),
    BEATS("GET", "/v1/beats"),
    EVENTS("GET", "/v1/events", "since", "until", "category"),
    FLUSH_ALL("POST", "/v1/flush"),
    SAVE("POST", "/v1/save"),
    RESURRECT("POST", "/v1/resurrect"),
    APPLY("POST", "/v1/apply"),
    PURGE("POST", "/v1/purge"),
    KILL_OLDER("POST", "/v1/kill-older"),
    DAEMON_STOP("POST", "/v1/daemon/stop"),
    DAEMON_UPGRADE("POST", "/v1/daemon/upgrade"),
    LIST("GET", "/v1/sessions", "all", "label"),
    RUN("POST", "/v1/sessions"),
    SESSION("GET", "/v1/sessions/{ref}"),
    REMOVE("DELETE", "/v1/sessions/{ref}"),
    OUTPUT("GET", "/v1/sessions/{ref}/output", "stream", "cursor", "max"),
    LOGS("GET", "/v1/sessions/{ref}/logs", "stdout", "stderr", "max"),
    STDIN("POST", "/v1/sessions/{ref}/stdin", "eof"),
    SIGNAL("POST", "/v1/sessions/{ref}/signal"),
    STOP("POST", "/v1/sessions/{ref}/stop"),
    KILL("POST", "/v1/sessions/{ref}/kill"),
    RESTART("POST", "/v1/sessions/{ref}/restart"),
    START("POST", "/v1/sessions/{ref}/start"),
    RELOAD("POST", "/v1/sessions/{ref}/reload"),
    RESIZE("POST", "/v1/sessions/{ref}/resize"),
    WAIT("POST", "/v1/sessions/{ref}/wait"),
    FLUSH("POST", "/v1/sessions/{ref}/flush"),
    SESSION_PORTS("GET", "/v1/sessions/{ref}/ports"),
    SESSION_TREE("GET", "/v1/sessions/{ref}/tree"),
    SAMPLES("GET", "/v1/sessions/{ref}/samples"),
    SESSION_EVENTS("GET", "/v1/sessions/{ref}/events", "since", "until", "category"),
    CHECKPOINT("POST", "/v1/sessions/{ref}/checkpoint"),
    RESTORE("POST", "/v1/restore"),
    CHECKPOINTS("GET", "/v1/checkpoints"),
    CHECKPOINT_GC("POST", "/v1/checkpoints/gc"),
    CHECKPOINT_INFO("GET", "/v1/checkpoints/{checkpoint}"),
    CHECKPOINT_REMOVE("DELETE", "/v1/checkpoints/{checkpoint}"),
    /** A WebSocket upgrade, served by {@link ApiServer}'s upgrade handler; what reaches the API here is not one. */
    ATTACH("GET", "/v1/sessions/{ref}/attach", "steal", "readOnly", "cursor", "stderrCursor");

    private static final String REF = "{ref}";
    private static final String CHECKPOINT_REF = "{checkpoint}";

    final String method;
    private final String[] segments;
    final Set<String> query;

    Route(String method, String template, String... query) {
        this.method = method;
        this.segments = template.split("/", -1);
        this.query = Set.of(query);
    }

    /**
     * The route a request is for, the session reference in its path (null when it has none), and
     * the checkpoint reference (digest, prefix or tag) in it (null when it has none).
     */
    record Match(Route route, String ref, String checkpoint) {}

    /** A method the path does not take; {@code allow} is what goes in the {@code Allow} header. */
    static final class MethodNotAllowed extends StewardException {
        final String allow;

        MethodNotAllowed(String method, String path, String allow) {
            super(ErrorCode.METHOD_NOT_ALLOWED, "method " + method + " not allowed on " + path + "; it takes " + allow);
            this.allow = allow;
        }
    }

    static Match match(String method, String path) {
        String[] parts = path.split("/", -1);
        Set<String> allowed = new TreeSet<>();
        for (Route r : values()) {
            if (r.matches(parts)) {
                if (r.method.equals(method)) {
                    return new Match(r, r.segment(parts, REF), r.segment(parts, CHECKPOINT_REF));
                }
                allowed.add(r.method);
            }
        }
        if (allowed.isEmpty()) {
            throw new StewardException(ErrorCode.NOT_FOUND, "no such endpoint: " + path);
        }
        throw new MethodNotAllowed(method, path, String.join(", ", allowed));
    }

    private boolean matches(String[] parts) {
        if (parts.length != segments.length) {
            return false;
        }
        for (int i = 0; i < parts.length; i++) {
            boolean placeholder = segments[i].equals(REF) || segments[i].equals(CHECKPOINT_REF);
            if (!placeholder && !segments[i].equals(parts[i])) {
                return false;
            }
        }
        return true;
    }

    private String segment(String[] parts, String placeholder) {
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].equals(placeholder)) {
                return parts[i];
            }
        }
        return null;
    }
}
