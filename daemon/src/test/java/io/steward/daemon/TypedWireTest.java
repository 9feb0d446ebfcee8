package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.steward.api.BytesType;
import io.steward.api.Json;
import io.steward.api.Outcome;
import io.steward.api.RestartMode;
import io.steward.api.RunOptions;
import io.steward.api.RunRequestBody;
import io.steward.api.SessionInfo;
import io.steward.client.Sessions;
import io.steward.client.UnixHttp;
import io.steward.core.Ring;
import io.steward.daemon.session.RunRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The typed wire model against a real daemon: a request built from the table of run options does
 * what its options say, and every session the daemon describes reads into a {@link SessionInfo}
 * that writes the very bytes it came as, so the record can never lag behind the daemon's answer.
 */
class TypedWireTest extends DaemonFixture {
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
        client.kill(killed);
        waitExit(exited);
        waitExit(killed);
        waitExit(restarted);
        poll("the watched session ready", () -> Boolean.TRUE.equals(client.session(watched).get("ready")));

        for (String id : List.of(pipe, pty, exited, killed, watched, restarted)) {
            same(raw("GET", "/v1/sessions/" + id, null));
        }
        same(raw("POST", "/v1/sessions/" + pipe + "/wait", "{\"timeoutMs\":1}"));
        UnixHttp.Response list = raw("GET", "/v1/sessions?all=true", null);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> entries = (List<Map<String, Object>>) Json.parseObject(body(list)).get("sessions");
        assertEquals(6, entries.size());
        for (Map<String, Object> entry : entries) {
            assertEquals(Json.write(entry), Json.write(SessionInfo.fromJson(entry).toJson()));
        }

        SessionInfo r = client.sessions().get(restarted);
        assertEquals(SessionInfo.Phase.ERRORED, r.phase());
        assertEquals(1, r.restarts());
        assertEquals(2, r.lastExit().exitCode());
        assertEquals("KILL", client.sessions().get(killed).signal());
        assertEquals("up", client.sessions().get(watched).heartbeat().status());
        assertEquals(true, client.sessions().await(pipe, Duration.ofMillis(1)).timedOut());
        assertNull(client.sessions().get(pipe).timedOut(), "only a wait says whether it timed out");
    }

    /** A session's JSON, read into the record and written again, is the document the daemon sent. */
    private static void same(UnixHttp.Response r) {
        assertEquals(200, r.status(), body(r));
        String text = body(r);
        Map<String, Object> json = Json.parseObject(text);
        assertEquals(text, Json.write(SessionInfo.fromJson(json).toJson()));
        assertEquals(json, SessionInfo.fromJson(json).toJson());
    }

    @Test
    void theTableAgreesWithTheRing() {
        var ring = (BytesType) RunOptions.RING_BYTES.type();
        assertEquals(Ring.MIN_CAPACITY, ring.min());
        assertEquals(Ring.MAX_CAPACITY, ring.max());
        assertEquals(Ring.DEFAULT_CAPACITY, RunOptions.RING_BYTES.defaultValue());
        assertEquals(RestartMode.NEVER, RunRequest.parse(Json.object("argv", List.of("true"))).restart().mode());
    }

    private static String id(Map<String, Object> session) {
        return (String) session.get("id");
    }

    private static String body(UnixHttp.Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
