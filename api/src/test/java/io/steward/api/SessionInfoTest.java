package io.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A session's JSON read into the record and written back; the daemon's own answers are in the daemon's TypedWireTest. */
class SessionInfoTest {
    private static final String RESTARTED = """
            {"id":"wpu3ypko7a4i6xd5zwui74tjen","name":"web","label":null,"kind":"pty","argv":["sh","-c","exit 1"],\
            "pid":23495,"state":"backoff","phase":"exited","restartPending":true,"stopping":false,"exitCode":null,"signal":"TERM",\
            "outcome":"soft-exit","startedAt":"2026-11-22T04:25:34.026123Z","ageMs":3000,"idleMs":2,"bufferedBytes":6,\
            "droppedBytes":0,"blocked":false,"stdinOpen":false,"attached":true,"watchers":2,"rows":24,"cols":80,"cpuMs":10,\
            "peakRssBytes":1748992,"rssBytes":1040384,"treeCpuMs":10,"treeRssBytes":0,"treeProcesses":0,"restarts":2,"lastExit":{"exitCode":1,"signal":null,"outcome":"natural-exit"},\
            "reloadSignal":"HUP","ready":false,"status":"warming up","stallAfterMs":5000,"startTimeoutMs":90000,"onStall":"restart",\
            "stalled":true,"stalls":1,"lastBeatAgeMs":6000,"mainPid":23500,"errno":2,"reloading":false,"timedOut":false}""";

    @Test
    void everyFieldIsTypedAndWrittenBackByteForByte() {
        SessionInfo s = SessionInfo.fromJson(Json.parseObject(RESTARTED));
        assertEquals(SessionInfo.Kind.PTY, s.kind());
        assertEquals(SessionInfo.Phase.EXITED, s.phase());
        assertEquals(SessionState.BACKOFF, s.state());
        assertEquals(Outcome.SOFT_EXIT, s.outcome());
        assertEquals(Instant.parse("2026-11-22T04:25:34.026123Z"), s.startedAt());
        assertEquals(Duration.ofSeconds(3), s.age());
        assertEquals(24, s.rows());
        assertEquals(Duration.ofMillis(10), s.treeCpu());
        assertEquals(new SessionInfo.LastExit(1, null, Outcome.NATURAL_EXIT), s.lastExit());
        assertEquals(Duration.ofSeconds(5), s.heartbeat().stallAfter());
        assertEquals(false, s.heartbeat().ready());
        assertEquals(23500, s.heartbeat().mainPid());
        assertEquals(false, s.timedOut());
        assertEquals(RESTARTED, Json.write(s.toJson()));
        assertEquals(Json.parseObject(RESTARTED), s.toJson());
    }

    @Test
    void theDocumentedExampleReadsBackTheSame() throws IOException {
        String api = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("docs/API.md"));
        int start = api.indexOf("{\"id\":", api.indexOf("A session as JSON:"));
        String example = api.substring(start, api.indexOf("```", start)).replace("\n", "").strip();
        Map<String, Object> json = Json.parseObject(example);
        SessionInfo s = SessionInfo.fromJson(json);
        assertNull(s.timedOut());
        assertNull(s.lastExit());
        assertEquals(json, s.toJson(), "docs/API.md's session has every field, in the daemon's order");
        assertEquals(List.copyOf(json.keySet()), List.copyOf(s.toJson().keySet()));
    }

    @Test
    void openapiDescribesEveryField() throws IOException {
        String yaml = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("docs/openapi.yaml"));
        String session = yaml.substring(yaml.indexOf("    Session:\n"));
        session = session.substring(session.indexOf("      properties:\n"));
        List<String> properties = new ArrayList<>();
        for (String line : session.lines().skip(1).toList()) {
            if (!line.startsWith("        ")) {
                break;
            }
            properties.add(line.strip().substring(0, line.strip().indexOf(':')));
        }
        assertEquals(List.copyOf(SessionInfo.fromJson(Json.parseObject(RESTARTED)).toJson().keySet()), properties);
    }

    @Test
    void aValueThisClientDoesNotKnowSaysSo() {
        StewardException e = assertThrows(StewardException.class,
                () -> SessionInfo.fromJson(Json.parseObject(RESTARTED.replace("\"exited\"", "\"paused\""))));
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertEquals("phase: 'paused' is not a value this client knows; is the daemon newer?", e.getMessage());
    }
}
