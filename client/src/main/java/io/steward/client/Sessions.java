package io.steward.client;

import io.steward.api.FlushResult;
import io.steward.api.Json;
import io.steward.api.KillOlderResult;
import io.steward.api.LogsPage;
import io.steward.api.OutputChunk;
import io.steward.api.PortList;
import io.steward.api.ProcessTreeInfo;
import io.steward.api.PurgeResult;
import io.steward.api.RunRequestBody;
import io.steward.api.SessionInfo;
import io.steward.api.SessionList;
import io.steward.api.StdStream;
import io.steward.api.StdinWritten;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The endpoints of sessions with typed requests and answers: a start takes a
 * {@link RunRequestBody}, every answer that describes a session is a {@link SessionInfo}, and the
 * others are records of {@code io.steward.api} too. A reference is an id, a unique id prefix of at
 * least six characters, or a name.
 */
public final class Sessions {
    private final StewardClient client;

    Sessions(StewardClient client) {
        this.client = client;
    }

    public SessionInfo run(RunRequestBody request) {
        return info(client.object("POST", "/v1/sessions", request.toJson()));
    }

    public SessionInfo get(String ref) {
        return info(client.object("GET", path(ref), null));
    }

    /** The last hour of the session's CPU and memory, a sample per period (10 s by default), oldest first. */
    public io.steward.api.SessionSamples samples(String ref) {
        return io.steward.api.SessionSamples.fromJson(client.object("GET", path(ref) + "/samples", null));
    }

    /** The TCP, UDP and Unix sockets held by the session's tree (its root and every descendant). */
    public PortList ports(String ref) {
        return PortList.fromJson(client.object("GET", path(ref) + "/ports", null));
    }

    /** The sockets of every live session's tree, session by session. */
    /** The live processes of a session's tree, the root first, each after its parent. */
    public ProcessTreeInfo tree(String ref) {
        return ProcessTreeInfo.fromJson(client.object("GET", path(ref) + "/tree", null));
    }

    /** Streams one session's events that {@code query} asks for, until {@code handler} returns false or the stream ends. */
    public void events(String ref, EventQuery query, java.util.function.Predicate<io.steward.api.Event> handler) {
        client.stream(path(ref) + "/events", query,
                json -> handler.test(io.steward.api.Event.fromJson(json)));
    }

    public PortList ports() {
        return PortList.fromJson(client.object("GET", "/v1/ports", null));
    }

    /** The caller's running sessions, exited ones too with {@code all}; only those labelled {@code label} unless null. */
    public List<SessionInfo> list(boolean all, String label) {
        String q = (all ? "&all=true" : "") + (label != null ? "&label=" + StewardClient.encode(label) : "");
        return SessionList.fromJson(client.object("GET", "/v1/sessions" + (q.isEmpty() ? "" : "?" + q.substring(1)), null))
                .sessions();
    }

    /**
     * Up to {@code max} bytes of one stream from {@code cursor}, never consumed; {@code stream} null
     * is stdout (a terminal's one stream for a pty session). Read on while {@code next < end} to have
     * everything: a slice can stop short at a gap in the log files.
     */
    public OutputChunk output(String ref, StdStream stream, long cursor, int max) {
        return OutputChunk.fromJson(client.object("GET", path(ref) + "/output?"
                + (stream != null ? "stream=" + stream.wire() + "&" : "") + "cursor=" + cursor + "&max=" + max, null));
    }

    /** Up to {@code max} bytes of both streams from their cursors, in the order they arrived. */
    public LogsPage logs(String ref, long outCursor, long errCursor, int max) {
        return LogsPage.fromJson(client.object("GET",
                path(ref) + "/logs?stdout=" + outCursor + "&stderr=" + errCursor + "&max=" + max, null));
    }

    /** Writes {@code bytes} to the session's stdin, then closes it when {@code eof}. */
    public StdinWritten send(String ref, byte[] bytes, boolean eof) {
        return StdinWritten.fromJson(client.send("POST", path(ref) + "/stdin" + (eof ? "?eof=true" : ""),
                "application/octet-stream", bytes));
    }

    public SessionInfo signal(String ref, String signal) {
        return info(client.object("POST", path(ref) + "/signal", Json.object("signal", signal)));
    }

    /** Stops the session's tree with the grace it was started with; {@code wait} for its end. */
    public SessionInfo stop(String ref, boolean wait) {
        return info(client.object("POST", path(ref) + "/stop", Json.object("wait", wait)));
    }

    /** Stops the session's tree: SIGTERM, then SIGKILL to what is left after {@code grace}. */
    public SessionInfo stop(String ref, Duration grace, boolean wait) {
        return info(client.object("POST", path(ref) + "/stop", Json.object("graceMs", grace.toMillis(), "wait", wait)));
    }

    /**
     * Stops the session's whole tree with its own grace and starts the same command again under
     * the same id, name and output history; answers at once, while it is {@code restarting}.
     */
    public SessionInfo restart(String ref) {
        return info(client.object("POST", path(ref) + "/restart", null));
    }

    /** {@link #restart(String)} with {@code grace} for the stop instead of the session's own. */
    public SessionInfo restart(String ref, Duration grace) {
        return info(client.object("POST", path(ref) + "/restart", Json.object("graceMs", grace.toMillis())));
    }

    /**
     * Starts an exited or errored session again from its spec, under the same id, name and output
     * history; answers at once, {@code starting}. A session alive is answered as it is, unchanged.
     */
    public SessionInfo start(String ref) {
        return info(client.object("POST", path(ref) + "/start", null));
    }

    /**
     * Sends the session's reload signal to its main process; one started with {@code --notify} is
     * awaited until it says {@code RELOADING=1} and then {@code READY=1}, at most {@code timeout}
     * ({@code not-ready} otherwise).
     */
    public SessionInfo reload(String ref, Duration timeout) {
        return info(client.object("POST", path(ref) + "/reload", Json.object("timeoutMs", timeout.toMillis())));
    }

    /** {@link #reload(String, Duration)} with the daemon's timeout, 60s. */
    public SessionInfo reload(String ref) {
        return info(client.object("POST", path(ref) + "/reload", null));
    }

    public SessionInfo kill(String ref) {
        return info(client.object("POST", path(ref) + "/kill", null));
    }

    /** Waits until the session ends for good (through restarts); {@link SessionInfo#timedOut} says if the timeout came first. */
    public SessionInfo await(String ref, Duration timeout) {
        return info(client.object("POST", path(ref) + "/wait", Json.object("timeoutMs", timeout.toMillis())));
    }

    /**
     * Waits until the session says {@code READY=1} over its notify socket, or its process ends first
     * ({@code ready} false); {@link SessionInfo#timedOut} says if the timeout came first.
     */
    public SessionInfo awaitReady(String ref, Duration timeout) {
        return info(client.object("POST", path(ref) + "/wait",
                Json.object("for", "ready", "timeoutMs", timeout.toMillis())));
    }

    public SessionInfo resize(String ref, int rows, int cols) {
        return info(client.object("POST", path(ref) + "/resize", Json.object("rows", rows, "cols", cols)));
    }

    /** Releases an exited session; answers it as it was. */
    public SessionInfo remove(String ref) {
        return info(client.object("DELETE", path(ref), null));
    }

    /** Empties the log files of one session ({@code ref}), or of all of them when {@code ref} is null. */
    public FlushResult flush(String ref) {
        return FlushResult.fromJson(client.object("POST", ref == null ? "/v1/flush" : path(ref) + "/flush", null));
    }

    /** Releases every exited session. */
    public PurgeResult purge() {
        return PurgeResult.fromJson(client.object("POST", "/v1/purge", null));
    }

    /** Stops (soft, then hard) every running session older than {@code age}. */
    public KillOlderResult killOlder(Duration age) {
        return KillOlderResult.fromJson(client.object("POST", "/v1/kill-older",
                Json.object("olderThanMs", age.toMillis())));
    }

    private static String path(String ref) {
        return StewardClient.sessionPath(ref);
    }

    private static SessionInfo info(Map<String, Object> json) {
        return SessionInfo.fromJson(json);
    }
}
