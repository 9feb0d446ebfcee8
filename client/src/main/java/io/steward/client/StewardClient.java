package io.steward.client;

import io.steward.api.ErrorBody;
import io.steward.api.Json;
import io.steward.api.LogsPage;
import io.steward.api.OutputChunk;
import io.steward.api.SessionRef;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The daemon's API from Java. The same calls, under the same names, answer records of
 * {@code io.steward.api} on {@link #sessions()} (a session's endpoints, {@link io.steward.api.SessionInfo},
 * {@link io.steward.api.OutputChunk}, …), {@link #apps()} (save, resurrect, apply) and {@link #daemon()}
 * (health, capabilities, beats, events, stop); each record's {@code toJson()} is the daemon's
 * document again. The methods here answer the JSON objects documented in docs/API.md as they came,
 * for callers that look at the wire itself. Errors come back as {@link StewardException}s carrying
 * the problem's stable code, so callers handle {@code not-found} and friends the same way the
 * daemon raised them. A session reference is an id, a unique id prefix of at least six characters,
 * or a name.
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
            client.health();
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
                client.health();
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

    /** The daemon's own endpoints (health, capabilities, beats, events, stop) with typed answers. */
    public DaemonEndpoints daemon() {
        return new DaemonEndpoints(this);
    }

    public Map<String, Object> health() {
        return object("GET", "/v1/health", null);
    }

    public Map<String, Object> capabilities() {
        return object("GET", "/v1/capabilities", null);
    }

    /** Starts a session; {@code options} are the fields of {@code POST /v1/sessions}. */
    public Map<String, Object> run(Map<String, Object> options) {
        return object("POST", "/v1/sessions", options);
    }

    public List<Map<String, Object>> list(boolean all) {
        return list(all, null);
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> list(boolean all, String label) {
        String q = (all ? "&all=true" : "") + (label != null ? "&label=" + encode(label) : "");
        String path = "/v1/sessions" + (q.isEmpty() ? "" : "?" + q.substring(1));
        return (List<Map<String, Object>>) object("GET", path, null).get("sessions");
    }

    public Map<String, Object> session(String ref) {
        return object("GET", sessionPath(ref), null);
    }

    /** A slice of a stream's backlog: what {@link Sessions#output} answers as an {@link OutputChunk}, the stream by its wire name. */
    public record Output(String stream, long cursor, long next, long dropped, long end, boolean eof, byte[] data) {}

    /** Up to {@code max} bytes of {@code stream} ("stdout" or "stderr") from {@code cursor}. */
    public Output output(String ref, String stream, long cursor, int max) {
        OutputChunk c = OutputChunk.fromJson(object("GET", outputPath(ref, stream, cursor, max), null));
        return new Output(wireName(c.stream()), c.cursor(), c.next(), c.dropped(), c.end(), c.eof(), c.data());
    }

    /** One stream's bytes in an interleaved read, with the stream by its wire name. */
    public record Piece(String stream, long cursor, long next, long dropped, byte[] data) {}

    /**
     * Both streams interleaved in arrival order: what {@link Sessions#logs} answers as a
     * {@link LogsPage}, the streams by their wire names. A session without a separate stderr has
     * {@code errNext == errEnd == 0}.
     */
    public record Logs(List<Piece> pieces, long outNext, long errNext, long outEnd, long errEnd, boolean eof) {
        /** True when this read reached what the streams held when it was made. */
        public boolean caughtUp() {
            return outNext >= outEnd && errNext >= errEnd;
        }
    }

    /** Up to {@code max} bytes of both streams from their cursors, in the order they arrived. */
    public Logs logs(String ref, long outCursor, long errCursor, int max) {
        LogsPage page = LogsPage.fromJson(object("GET", logsPath(ref, outCursor, errCursor, max), null));
        List<Piece> pieces = page.pieces().stream()
                .map(p -> new Piece(wireName(p.stream()), p.cursor(), p.next(), p.dropped(), p.data())).toList();
        return new Logs(pieces, page.outNext(), page.errNext(), page.outEnd(), page.errEnd(), page.eof());
    }

    /** {@code stream} null is the daemon's default: stdout, or a terminal's one stream. */
    static String outputPath(String ref, String stream, long cursor, int max) {
        return sessionPath(ref) + "/output?" + (stream != null ? "stream=" + encode(stream) + "&" : "") + "cursor="
                + cursor + "&max=" + max;
    }

    static String logsPath(String ref, long outCursor, long errCursor, int max) {
        return sessionPath(ref) + "/logs?stdout=" + outCursor + "&stderr=" + errCursor + "&max=" + max;
    }

    private static String wireName(io.steward.api.StdStream stream) {
        return stream != null ? stream.wire() : null;
    }

    /** Writes {@code bytes} to the session's stdin, then closes it when {@code eof}. */
    public Map<String, Object> send(String ref, byte[] bytes, boolean eof) {
        UnixHttp.Response r = http.send("POST", sessionPath(ref) + "/stdin" + (eof ? "?eof=true" : ""),
                "application/octet-stream", bytes);
        return parse(r);
    }

    public Map<String, Object> signal(String ref, String signal) {
        return object("POST", sessionPath(ref) + "/signal", Json.object("signal", signal));
    }

    /** Stops the session's tree with the grace the session was started with. */
    public Map<String, Object> stop(String ref, boolean wait) {
        return object("POST", sessionPath(ref) + "/stop", Json.object("wait", wait));
    }

    /** Stops the session's tree: SIGTERM, then SIGKILL to what is left after {@code graceMs}. */
    public Map<String, Object> stop(String ref, long graceMs, boolean wait) {
        return object("POST", sessionPath(ref) + "/stop", Json.object("graceMs", graceMs, "wait", wait));
    }

    public Map<String, Object> kill(String ref) {
        return object("POST", sessionPath(ref) + "/kill", null);
    }

    /**
     * Waits until the session ends for good (through restarts); the answer carries
     * {@code "timedOut": true} when the timeout passed first.
     */
    public Map<String, Object> await(String ref, long timeoutMs) {
        return object("POST", sessionPath(ref) + "/wait", Json.object("timeoutMs", timeoutMs));
    }

    /**
     * Waits until the session reports {@code READY=1} over its notify socket, or its process ends
     * first ({@code "ready": false}); {@code "timedOut": true} when the timeout passed first.
     */
    public Map<String, Object> awaitReady(String ref, long timeoutMs) {
        return object("POST", sessionPath(ref) + "/wait", Json.object("for", "ready", "timeoutMs", timeoutMs));
    }

    /** Empties the log files of one session ({@code ref}), or of all of them when {@code ref} is null. */
    public Map<String, Object> flush(String ref) {
        return object("POST", ref == null ? "/v1/flush" : sessionPath(ref) + "/flush", null);
    }

    /** Makes the named sessions the saved set; answers {@code {"saved": [names]}}. */
    public Map<String, Object> save() {
        return object("POST", "/v1/save", null);
    }

    /**
     * Starts the saved apps that are meant to run and are not running; answers the names
     * {@code started}, already {@code running}, {@code stopped} by a user, and what {@code failed}.
     */
    public Map<String, Object> resurrect() {
        return object("POST", "/v1/resurrect", null);
    }

    /**
     * Makes the running apps match an apps file: {@code body} is {@code {"apps":[{"name", "request",
     * "after", "readyPort"}], "dryRun"}}; answers {@code {"actions":[{"name","action","id"}],"dryRun"}}.
     */
    public Map<String, Object> apply(Map<String, Object> body) {
        return object("POST", "/v1/apply", body);
    }

    /** The heartbeat agents the daemon tracks, and the directory of the sessions' beat sockets. */
    public Map<String, Object> beats() {
        return object("GET", "/v1/beats", null);
    }

    public Map<String, Object> resize(String ref, int rows, int cols) {
        return object("POST", sessionPath(ref) + "/resize", Json.object("rows", rows, "cols", cols));
    }

    /** Releases an exited session. */
    public Map<String, Object> remove(String ref) {
        return object("DELETE", sessionPath(ref), null);
    }

    public Map<String, Object> purge() {
        return object("POST", "/v1/purge", null);
    }

    public Map<String, Object> killOlder(long olderThanMs) {
        return object("POST", "/v1/kill-older", Json.object("olderThanMs", olderThanMs));
    }

    /**
     * Attaches to a session (id, unique id prefix of 6+ characters, or name) over a WebSocket.
     *
     * @throws StewardException with the daemon's code when refused: {@code not-found}, {@code already-attached}
     */
    public Attachment attach(String ref, AttachOptions options) {
        return Attachment.open(home.socket(), home.lock(), ref, options);
    }

    public Map<String, Object> stopDaemon(long graceMs) {
        return object("POST", "/v1/daemon/stop", Json.object("graceMs", graceMs));
    }

    /**
     * Streams lifecycle events (each the JSON object of an SSE {@code data} line) to {@code handler}
     * until it returns false or the daemon ends the stream; {@code since} replays what came after it
     * (-1: only new events).
     */
    public void events(long since, Predicate<Map<String, Object>> handler) {
        String path = "/v1/events" + (since >= 0 ? "?since=" + since : "");
        String peer = UnixHttp.peer(home.socket());
        try (BufferedReader r = new BufferedReader(new InputStreamReader(http.stream(path), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("data:")
                        && !handler.test(json(line.substring(5).strip(), "an event's data as a JSON object", peer))) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new DaemonUnreachableException(home.socket(), e);
        }
    }

    /** Sends a request whose answer is a JSON object; a problem answer becomes a typed exception. */
    public Map<String, Object> object(String method, String path, Map<String, Object> body) {
        UnixHttp.Response r = http.send(method, path, "application/json",
                body == null ? null : Json.write(body).getBytes(StandardCharsets.UTF_8));
        return parse(r);
    }

    public UnixHttp.Response raw(String method, String path, String contentType, byte[] body) {
        return http.send(method, path, contentType, body);
    }

    private Map<String, Object> parse(UnixHttp.Response r) {
        return parse(r, UnixHttp.peer(home.socket()));
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
    private static Map<String, Object> json(String text, String what, String peer) {
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
