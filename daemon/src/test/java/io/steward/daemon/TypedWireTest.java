package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ApplyResult;
import io.steward.api.AttachMessage;
import io.steward.api.BeatStats;
import io.steward.api.BytesType;
import io.steward.api.CapabilityMatrix;
import io.steward.api.DaemonStopping;
import io.steward.api.ErrorBody;
import io.steward.api.ErrorCode;
import io.steward.api.Event;
import io.steward.api.FlushResult;
import io.steward.api.HealthInfo;
import io.steward.api.Json;
import io.steward.api.KillOlderResult;
import io.steward.api.LogsPage;
import io.steward.api.Outcome;
import io.steward.api.OutputChunk;
import io.steward.api.PurgeResult;
import io.steward.api.RestartMode;
import io.steward.api.ResurrectResult;
import io.steward.api.RunOptions;
import io.steward.api.RunRequestBody;
import io.steward.api.SaveResult;
import io.steward.api.SessionInfo;
import io.steward.api.SessionList;
import io.steward.api.StdStream;
import io.steward.api.StdinWritten;
import io.steward.daemon.http.ApiServer;
import io.steward.client.Sessions;
import io.steward.client.StewardClient;
import io.steward.client.UnixHttp;
import io.steward.core.Ring;
import io.steward.daemon.session.RunRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The typed wire model against a real daemon: a request built from the table of run options does
 * what its options say, and every answer, error body, event and attach message the daemon sends
 * reads into its record, which writes the very bytes it came as, so no record can lag behind what
 * the daemon writes.
 */
class TypedWireTest extends DaemonFixture {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aTypedRequestStartsTheSessionItDescribes() {
        Sessions sessions = client.sessions();
        RunRequestBody request = RunRequestBody.builder(List.of("sh", "-c", "echo $GREETING; exec sleep 60"))
                .set(RunOptions.NAME, "typed").set(RunOptions.LABEL, "demo").set(RunOptions.PTY, true)
                .set(RunOptions.ROWS, 30).set(RunOptions.COLS, 100).set(RunOptions.ENV, Map.of("GREETING", "hello"))
                .set(RunOptions.RING_BYTES, 65_536).set(RunOptions.STALL_AFTER, Duration.ofMinutes(1))
                .set(RunOptions.START_TIMEOUT, Duration.ofSeconds(45)).set(RunOptions.ON_STALL, "signal:USR1")
                .set(RunOptions.GRACE, Duration.ofMillis(300)).build();
        SessionInfo s = sessions.run(request);
        assertEquals("typed", s.name());
        assertEquals("demo", s.label());
        assertEquals(SessionInfo.Kind.PTY, s.kind());
        assertEquals(30, s.rows());
        assertEquals(100, s.cols());
        assertEquals(Duration.ofMinutes(1), s.heartbeat().stallAfter());
        assertEquals(Duration.ofSeconds(45), s.heartbeat().startTimeout());
        assertEquals("signal:USR1", s.heartbeat().onStall());
        poll("the variable's value in the output", () -> text(s.id()).contains("hello"));

        SessionInfo stopped = sessions.stop("typed", true);
        assertEquals(SessionInfo.Phase.EXITED, stopped.phase());
        assertEquals(Outcome.SOFT_EXIT, stopped.outcome(), "a shell's sleep ends at SIGTERM, within the grace");
        assertEquals(List.of("typed"), sessions.list(true, "demo").stream().map(SessionInfo::name).toList());
    }

    @Test
    void everySessionReadsAndWritesBackByteForByte() throws Exception {
        String pipe = id(run("argv", List.of("sleep", "60"), "name", "pipe", "label", "l"));
        String pty = id(run("argv", List.of("sh", "-c", "sleep 60"), "pty", true, "rows", 40L, "cols", 132L));
        String exited = id(run("argv", List.of("sh", "-c", "exit 3")));
        String killed = id(run("argv", List.of("sleep", "60")));
        String watched = id(run("argv", List.of("sh", "-c", "systemd-notify --ready --status=up; exec sleep 60"),
                "notify", true, "watchdogMs", 60_000L, "onStall", "restart"));
        String restarted = id(run("argv", List.of("sh", "-c", "sleep 0.1; exit 2"), "restart", "on-failure",
                "maxRestarts", 1L, "restartWindowMs", 60_000L));
        client.sessions().kill(killed);
        waitExit(exited);
        waitExit(killed);
        waitExit(restarted);
        poll("the watched session ready", () -> Boolean.TRUE.equals(client.sessions().get(watched).heartbeat().ready()));

        for (String id : List.of(pipe, pty, exited, killed, watched, restarted)) {
            same(raw("GET", "/v1/sessions/" + id, null), 200, SessionInfo::fromJson, SessionInfo::toJson);
        }
        same(raw("POST", "/v1/sessions/" + pipe + "/wait", "{\"timeoutMs\":1}"), 200, SessionInfo::fromJson,
                SessionInfo::toJson);
        assertEquals(6, same(raw("GET", "/v1/sessions?all=true", null), 200, SessionList::fromJson,
                SessionList::toJson).sessions().size());

        SessionInfo r = client.sessions().get(restarted);
        assertEquals(SessionInfo.Phase.ERRORED, r.phase());
        assertEquals(1, r.restarts());
        assertEquals(2, r.lastExit().exitCode());
        assertEquals("KILL", client.sessions().get(killed).signal());
        assertEquals("up", client.sessions().get(watched).heartbeat().status());
        assertEquals(true, client.sessions().await(pipe, Duration.ofMillis(1)).timedOut());
        assertNull(client.sessions().get(pipe).timedOut(), "only a wait says whether it timed out");
    }

    @Test
    void everyOtherAnswerAndErrorReadsAndWritesBackByteForByte() throws Exception {
        try (WsWire.EventTap events = new WsWire.EventTap(stewardHome.socket())) {
            events.awaitOpen();
            same(raw("GET", "/v1/health", null), 200, HealthInfo::fromJson, HealthInfo::toJson);
            same(raw("GET", "/v1/capabilities", null), 200, CapabilityMatrix::fromJson, CapabilityMatrix::toJson);

            SessionInfo webSession = run("name", "web", "argv", List.of("sh", "-c", "echo out; echo err >&2; exec sleep 60"));
            String web = id(webSession);
            String pty = id(run("argv", List.of("sh", "-c", "echo tty; exec sleep 60"), "pty", true));
            String merged = id(run("argv", List.of("sh", "-c", "echo one; echo two >&2; exec sleep 60"),
                    "mergeStderr", true));
            poll("the output", () -> text(web).contains("out") && text(pty).contains("tty") && text(merged).contains("two"));
            poll("web's stderr", () -> client.sessions().output(web, StdStream.STDERR, 0, 100).data().length > 0);
            OutputChunk out = same(raw("GET", "/v1/sessions/web/output?cursor=0", null), 200, OutputChunk::fromJson,
                    OutputChunk::toJson);
            assertEquals("out\n", new String(out.data(), StandardCharsets.UTF_8));
            same(raw("GET", "/v1/sessions/web/output?stream=stderr&cursor=1", null), 200, OutputChunk::fromJson,
                    OutputChunk::toJson);
            assertEquals(StdStream.PTY, same(raw("GET", "/v1/sessions/" + pty + "/output?cursor=0", null), 200,
                    OutputChunk::fromJson, OutputChunk::toJson).stream());
            LogsPage both = same(raw("GET", "/v1/sessions/web/logs?stdout=0&stderr=0", null), 200, LogsPage::fromJson,
                    LogsPage::toJson);
            assertEquals(List.of(StdStream.STDOUT, StdStream.STDERR), both.pieces().stream().map(LogsPage.Piece::stream).toList());
            assertEquals(4L, both.next().err());
            assertNull(same(raw("GET", "/v1/sessions/" + pty + "/logs", null), 200, LogsPage::fromJson,
                    LogsPage::toJson).next().err(), "a terminal has one stream");
            assertEquals(StdStream.STDOUT, same(raw("GET", "/v1/sessions/" + merged + "/logs?max=3", null), 200,
                    LogsPage::fromJson, LogsPage::toJson).end().first());
            same(client.raw("POST", "/v1/sessions/web/stdin", "application/octet-stream", "hi\n".getBytes()), 200,
                    StdinWritten::fromJson, StdinWritten::toJson);
            same(raw("POST", "/v1/sessions/web/stdin?eof=true", null), 200, StdinWritten::fromJson, StdinWritten::toJson);
            same(raw("POST", "/v1/flush", null), 200, FlushResult::fromJson, FlushResult::toJson);
            same(raw("POST", "/v1/sessions/web/flush", null), 200, FlushResult::fromJson, FlushResult::toJson);

            String beater = id(run("name", "beater", "argv", javaChild(VlpSenderChild.class.getName(),
                    "frame:degraded:7", "claim:" + webSession.pid() + ":1", "corrupt:0:1")));
            poll("the agent", () -> !client.daemon().beats().agents().isEmpty());
            BeatStats beats = same(raw("GET", "/v1/beats", null), 200, BeatStats::fromJson, BeatStats::toJson);
            assertEquals(BeatStats.Status.DEGRADED, beats.agents().getFirst().status());
            assertEquals(7, beats.agents().getFirst().lastNonce());

            problem(raw("GET", "/v1/sessions/nosuch", null), 404, ErrorCode.NOT_FOUND);
            problem(raw("POST", "/v1/sessions/web/signal", "{\"signal\":\"BOGUS\"}"), 400, ErrorCode.INVALID_INPUT);
            problem(raw("PUT", "/v1/health", null), 405, ErrorCode.METHOD_NOT_ALLOWED);
            problem(raw("DELETE", "/v1/sessions/web", null), 409, ErrorCode.CONFLICT);
            problem(raw("GET", "/v1/sessions/web/bogus%", null), 400, ErrorCode.INVALID_INPUT);

            client.sessions().kill(merged);
            waitExit(merged);
            assertEquals(List.of(merged), same(raw("POST", "/v1/purge", null), 200, PurgeResult::fromJson,
                    PurgeResult::toJson).released());
            assertEquals(List.of(), same(raw("POST", "/v1/kill-older", "{\"olderThanMs\":86400000}"), 200,
                    KillOlderResult::fromJson, KillOlderResult::toJson).stopped());
            assertEquals(3, same(raw("POST", "/v1/kill-older", "{\"olderThanMs\":0}"), 200, KillOlderResult::fromJson,
                    KillOlderResult::toJson).stopped().size(), "web, its terminal twin and the beater");
            waitExit(beater);
            DaemonStopping stop = same(raw("POST", "/v1/daemon/stop", "{\"graceMs\":1000}"), 202,
                    DaemonStopping::fromJson, DaemonStopping::toJson);
            assertEquals(Duration.ofSeconds(1), stop.grace());
            for (String type : List.of("started", "exited", "ended", "reaped", "decode", "auth-failure", "daemon-stopping")) {
                sameEvent(events.await(type, e -> true, WAIT));
            }
        }
    }

    @Test
    void theAppsAnswersReadAndWriteBackByteForByte() throws Exception {
        Map<String, Object> db = Json.object("name", "db", "request", Json.object("argv", List.of("sleep", "600")));
        Map<String, Object> api = Json.object("name", "api", "request", Json.object("argv", List.of("sleep", "601")),
                "after", List.of("db"));
        Map<String, Object> web = Json.object("name", "web", "request", Json.object("argv", List.of("sleep", "602")));
        String apps = Json.write(Json.object("apps", List.of(db, api, web)));
        try (WsWire.EventTap events = new WsWire.EventTap(stewardHome.socket())) {
            events.awaitOpen();
            ApplyResult first = same(raw("POST", "/v1/apply", apps), 200, ApplyResult::fromJson, ApplyResult::toJson);
            assertEquals(List.of(ApplyResult.Kind.START, ApplyResult.Kind.START, ApplyResult.Kind.START),
                    first.actions().stream().map(ApplyResult.Action::action).toList());
            ApplyResult dry = same(raw("POST", "/v1/apply", "{\"dryRun\":true,\"apps\":[" + Json.write(db) + "]}"), 200,
                    ApplyResult::fromJson, ApplyResult::toJson);
            assertEquals(List.of(ApplyResult.Kind.STOP, ApplyResult.Kind.STOP, ApplyResult.Kind.UNCHANGED),
                    dry.actions().stream().map(ApplyResult.Action::action).toList());
            client.sessions().stop("db", Duration.ofSeconds(2), true);
            assertEquals(List.of("api", "db", "web"), same(raw("POST", "/v1/save", null), 200, SaveResult::fromJson,
                    SaveResult::toJson).saved().stream().sorted().toList());
            sameEvent(events.await("apply", e -> true, WAIT));
            sameEvent(events.await("saved", e -> true, WAIT));
        }
        // As a boot does: every session stopped, the same home opened again.
        daemon.shutdown(Duration.ofSeconds(2));
        server.close();
        daemon.close();
        daemon = Daemon.open(stewardHome, beats());
        server = ApiServer.start(daemon);
        client = new StewardClient(stewardHome);
        try (WsWire.EventTap events = new WsWire.EventTap(stewardHome.socket())) {
            events.awaitOpen();
            ResurrectResult r = same(raw("POST", "/v1/resurrect", null), 200, ResurrectResult::fromJson,
                    ResurrectResult::toJson);
            assertEquals(List.of("web"), r.started());
            assertEquals(new ResurrectResult.Failure("api", ErrorCode.NOT_READY,
                    "app \"api\" not started: \"db\" is not running (stopped by you)"), r.failed().getFirst());
            sameEvent(events.await("resurrected", e -> true, WAIT));
        }
    }

    @Test
    void lifecycleEventsAndAttachMessagesReadAndWriteBackByteForByte() throws Exception {
        try (WsWire.EventTap events = new WsWire.EventTap(stewardHome.socket());
                WsConnector ws = new WsConnector(stewardHome.socket())) {
            events.awaitOpen();
            run("argv", List.of("sleep", "60"), "maxLifetimeMs", 100L);
            run("argv", List.of("sh", "-c", "systemd-notify --ready --status=up; exec sleep 60"), "notify", true);
            run("argv", List.of("sleep", "60"), "stallAfterMs", 200L, "startTimeoutMs", 200L, "onStall", "stop");
            String twice = id(run("argv", List.of("sh", "-c", "read line; exit 4"), "pty", true, "restart", "on-failure",
                    "maxRestarts", 1L, "restartWindowMs", 60_000L));

            WsListener first = new WsListener();
            ws.attach(first, twice, "");
            sameMessage(first.awaitText("hello"));
            WsListener second = new WsListener();
            ws.attach(second, twice, "steal=true");
            sameMessage(second.awaitText("hello"));
            sameMessage(first.awaitText("stolen"));
            second.sendText(Json.object("type", "bogus"));
            assertEquals(ErrorCode.INVALID_INPUT, ((AttachMessage.Error) sameMessage(second.awaitText("error"))).code());
            second.sendBinary("go\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(Outcome.NATURAL_EXIT, ((AttachMessage.Restarted) sameMessage(second.awaitText("restarted"))).outcome());
            second.sendBinary("go\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(4, ((AttachMessage.Exit) sameMessage(second.awaitText("exit"))).exitCode());

            for (String type : List.of("started", "limit", "ready", "status", "stall", "recovered", "stolen", "exited",
                    "backoff", "restarted", "errored", "ended")) {
                sameEvent(events.await(type, e -> true, WAIT));
            }
        }
    }

    @Test
    void theTableAgreesWithTheRing() {
        var ring = (BytesType) RunOptions.RING_BYTES.type();
        assertEquals(Ring.MIN_CAPACITY, ring.min());
        assertEquals(Ring.MAX_CAPACITY, ring.max());
        assertEquals(Ring.DEFAULT_CAPACITY, RunOptions.RING_BYTES.defaultValue());
        assertEquals(RestartMode.NEVER, RunRequest.parse(Json.object("argv", List.of("true"))).restart().mode());
    }

    /**
     * An answer read into its record and written again: the document the daemon sent, byte for
     * byte, and equal to it as the JSON reader gives it.
     */
    private static <T> T same(UnixHttp.Response r, int status, Function<Map<String, Object>, T> read,
            Function<T, Map<String, Object>> write) {
        assertEquals(status, r.status(), body(r));
        String text = body(r);
        Map<String, Object> json = Json.parseObject(text);
        T record = read.apply(json);
        assertEquals(text, Json.write(write.apply(record)));
        assertEquals(json, write.apply(record));
        return record;
    }

    private static void problem(UnixHttp.Response r, int status, ErrorCode code) {
        assertTrue(r.headers().get("content-type").startsWith("application/problem+json"), r.headers().toString());
        ErrorBody e = same(r, status, ErrorBody::fromJson, ErrorBody::toJson);
        assertEquals(code, e.code());
        assertEquals(code, e.toException(status).code());
    }

    /** An event's data line, typed and written again; a type the api has no record for would read as Other. */
    private static void sameEvent(WsWire.EventTap.Event sse) {
        Event e = Event.fromJson(Json.parseObject(sse.data()));
        assertFalse(e instanceof Event.Other, sse.data());
        assertEquals(sse.type(), e.type());
        assertEquals(sse.data(), Json.write(e.toJson()));
    }

    /** An attach control message, as the listener read it, typed and written again. */
    private static AttachMessage sameMessage(Map<String, Object> message) {
        AttachMessage m = AttachMessage.fromJson(message);
        assertNotNull(m, "not a control message this client knows: " + message);
        Map<String, Object> again = m.toJson();
        assertEquals(Json.write(message), Json.write(again));
        assertEquals(message, again);
        return m;
    }

    private static String id(SessionInfo session) {
        return session.id();
    }

    private static String body(UnixHttp.Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
