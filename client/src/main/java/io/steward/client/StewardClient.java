package io.steward.client;

import io.steward.api.ErrorBody;
import io.steward.api.Json;
import io.steward.api.SessionRef;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The daemon's API from Java: every endpoint answers a record of {@code io.steward.api}, on
 * {@link #sessions()} (a session's endpoints, {@link io.steward.api.SessionInfo},
 * {@link io.steward.api.OutputChunk}, …), {@link #apps()} (save, resurrect, apply), {@link #checkpoints()}
 * (checkpoint, restore, the store) and {@link #daemon()} (health, capabilities, beats, events, stop);
 * each record's {@code toJson()} is the daemon's document again. {@link #attach} opens a terminal on a
 * session, and {@link #raw} answers the bytes as they came, for callers that look at the wire itself.
 * Errors come back as {@link StewardException}s carrying the problem's stable code, so callers handle
 * {@code not-found} and friends the same way the daemon raised them. A session reference is an id, a unique id
 * prefix of at least six characters, or a name.
 */
public final class StewardClient {
    /** How long {@link #connect} waits for a daemon it started to answer. */
    public static final long START_TIMEOUT_MS = 10_000;

    private final StewardHome home;
    private final UnixHttp http;

    public StewardClient(StewardHome home) {
        this.home = home;
        this.http = new UnixHttp(home.socket(), home.lock());
    }

    /** Starts a daemon for a home; it must return once the daemon is spawned (detached) or has failed. */
    @FunctionalInterface
    public interface DaemonStarter {
        void start(StewardHome home) throws Exception;
    }

    /**
     * A client for {@code home} whose daemon answers: when none does, {@code starter} starts one, and
     * its health is awaited with a bounded backoff (5 ms doubling to 200 ms, 10 s in all). While a
     * daemon holds the home's lock none is started: that one is waited for instead.
     *
     * @throws DaemonUnreachableException in one line naming the daemon's log when it does not come up,
     *     or naming the pid that holds the lock and does not answer
     */
    public static StewardClient connect(StewardHome home, DaemonStarter starter) {
        StewardClient client = new StewardClient(home);
        try {
            client.daemon().health();
            return client;
        } catch (DaemonUnreachableException first) {
            if (first.lockHolder() != io.steward.api.LockHolder.NONE) {
                throw first;
            }
            try {
                starter.start(home);
            } catch (StewardException e) {
                throw e;
            } catch (Exception e) {
                throw new DaemonUnreachableException(home.socket(), new IllegalStateException(
                        "could not start the daemon: " + e.getMessage() + " (see " + home.file("daemon.log") + ")", e));
            }
        }
        long deadline = System.nanoTime() + START_TIMEOUT_MS * 1_000_000;
        long pause = 5;
        while (true) {
            try {
                client.daemon().health();
                return client;
            } catch (DaemonUnreachableException e) {
                if (System.nanoTime() > deadline) {
                    throw DaemonUnreachableException.didNotStart(home.socket(), home.file("daemon.log"), 0,
                            "the daemon did not answer within " + START_TIMEOUT_MS / 1000 + "s");
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = Math.min(pause * 2, 200);
            }
        }
    }

    public StewardHome home() {
        return home;
    }

    /** The session endpoints with typed requests and answers. */
    public Sessions sessions() {
        return new Sessions(this);
    }

    /** The apps endpoints (save, resurrect, apply) with typed answers. */
    public Apps apps() {
        return new Apps(this);
    }

    /** The checkpoint store's endpoints (checkpoint, restore, list, remove, gc) with typed answers. */
    public Checkpoints checkpoints() {
        return new Checkpoints(this);
    }

    /** The daemon's own endpoints (health, capabilities, beats, events, stop) with typed answers. */
    public DaemonEndpoints daemon() {
        return new DaemonEndpoints(this);
    }

    /**
     * Attaches to a session (id, unique id prefix of 6+ characters, or name) over a WebSocket.
     *
     * @throws StewardException with the daemon's code when refused: {@code not-found}, {@code already-attached}
     */
    public Attachment attach(String ref, AttachOptions options) {
        return Attachment.open(home.socket(), home.lock(), ref, options);
    }

    /**
     * Streams the events {@code query} asks of {@code path}, each a JSON object, to {@code handler}
     * until it returns false or the daemon ends the stream. A followed stream (no {@code until}) goes
     * on through the daemon's in-place upgrade, from the last event seen; one asked for new events
     * only starts after the last event the daemon has, so there is a last event to go on from.
     */
    void stream(String path, EventQuery query, Predicate<Map<String, Object>> handler) {
        EventQuery from = query;
        if (query.since() < 0 && query.until() < 0) {
            from = new EventQuery(daemon().health().lastEventSeq(), -1, query.categories());
        }
        new EventFollower(http, path, from, handler, Math.max(from.since(), 0)).run();
    }

    /** Sends a request whose answer is a JSON object; a problem answer becomes a typed exception. */
    Map<String, Object> object(String method, String path, Map<String, Object> body) {
        return send(method, path, "application/json",
                body == null ? null : Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code body} as {@code contentType}; the answer is a JSON object, a problem a typed exception. */
    Map<String, Object> send(String method, String path, String contentType, byte[] body) {
        return parse(http.send(method, path, contentType, body), UnixHttp.peer(home.socket()));
    }

    /**
     * The daemon's answer as it came, status, headers and bytes, whatever it is: for a caller that
     * looks at the wire itself (a request malformed on purpose, the exact bytes of an answer).
     */
    public UnixHttp.Response raw(String method, String path, String contentType, byte[] body) {
        return http.send(method, path, contentType, body);
    }

    /**
     * The JSON object of an answer; a problem document (status 400 and up) is thrown as the typed
     * exception it names. Anything but a JSON object is a {@link ProtocolException}: the daemon
     * answers every request, failed or not, with one.
     */
    static Map<String, Object> parse(UnixHttp.Response r, String peer) {
        Map<String, Object> m = json(r.text(), r.status() >= 400 ? "a problem document (a JSON object) with HTTP " + r.status()
                : "a JSON object", peer);
        if (r.status() >= 400) {
            throw ErrorBody.fromJson(m).toException(r.status());
        }
        return m;
    }

    /** {@code text} as a JSON object, or a {@link ProtocolException} saying it was meant to be {@code what}. */
    static Map<String, Object> json(String text, String what, String peer) {
        try {
            return Json.parseObject(text);
        } catch (StewardException e) {
            throw new ProtocolException(peer, what, ProtocolException.quote(text) + " (" + e.getMessage() + ")");
        }
    }

    /**
     * The path of a session: a reference no session can have is refused here, before any request,
     * since the daemon's HTTP server would refuse some of them (an encoded slash, a line too long)
     * with its own words instead of steward's.
     */
    static String sessionPath(String ref) {
        return "/v1/sessions/" + encode(SessionRef.requireShape(ref));
    }

    /** Percent-encodes everything but unreserved characters, so a reference is one path segment. */
    static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }
}
