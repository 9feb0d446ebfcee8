package io.steward.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The daemon's answers, read into their records and written back byte for byte, here from documents
 * of every shape (the events of every type among them, even those a test can hardly provoke); the
 * daemon's own answers are in the daemon's TypedWireTest.
 */
class WireRecordsTest {
    /** Every event type, with each variant of the types whose fields vary. */
    private static final List<String> EVENTS = List.of("""
            {"seq":1,"type":"started","category":"lifecycle","at":"2026-12-02T10:00:00.123456Z","session":"s1","name":"web","pid":42,"argv":["sh","-c","x"]}""", """
            {"seq":2,"type":"exited","category":"lifecycle","at":"2026-12-02T10:00:01Z","session":"s1","name":null,"pid":42,"exitCode":null,"signal":"TERM","outcome":"soft-exit","leftovers":1}""", """
            {"seq":3,"type":"ended","category":"lifecycle","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","pid":42,"exitCode":0,"signal":null,"outcome":"natural-exit"}""", """
            {"seq":4,"type":"backoff","category":"lifecycle","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","delayMs":500,"attempt":1,"exitCode":2,"signal":null}""", """
            {"seq":5,"type":"errored","category":"lifecycle","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","restarts":1,"maxRestarts":1,"withinMs":60000}""", """
            {"seq":6,"type":"restarted","category":"lifecycle","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","pid":43,"previousPid":42,"restarts":1,"reason":"policy"}""", """
            {"seq":7,"type":"restart-cancelled","category":"lifecycle","at":"2026-12-02T10:00:01Z","session":"s1","name":"web"}""", """
            {"seq":8,"type":"restart-failed","category":"lifecycle","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","error":"cannot start"}""", """
            {"seq":9,"type":"reaped","category":"lifecycle","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","reason":"purged"}""", """
            {"seq":10,"type":"stolen","category":"lifecycle","at":"2026-12-02T10:00:01Z","session":"s1","name":"web"}""", """
            {"seq":11,"type":"limit","category":"lifecycle","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","reason":"max-lifetime","graceMs":5000}""", """
            {"seq":12,"type":"ready","category":"heartbeat","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","pid":42}""", """
            {"seq":13,"type":"status","category":"heartbeat","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","status":"warming up"}""", """
            {"seq":14,"type":"stall","category":"heartbeat","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","pid":42,"reason":"silent","agentPid":44,"origin":"network-unverified","silentMs":1200,"thresholdMs":1000,"action":"restart"}""", """
            {"seq":15,"type":"stall","category":"heartbeat","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","pid":42,"reason":"start-timeout","agentPid":null,"origin":null,"silentMs":200,"thresholdMs":200,"action":"none"}""", """
            {"seq":16,"type":"resumed","category":"heartbeat","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","pid":42}""", """
            {"seq":17,"type":"clock-gap","category":"heartbeat","at":"2026-12-02T10:00:01Z","gapMs":2500,"sessions":3}""", """
            {"seq":18,"type":"recovered","category":"heartbeat","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","action":"stop","outcome":"stopped"}""", """
            {"seq":19,"type":"recovered","category":"heartbeat","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","action":"restart","outcome":"restarted","pid":45}""", """
            {"seq":20,"type":"recovered","category":"heartbeat","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","action":"restart","outcome":"failed","error":"disk full"}""", """
            {"seq":21,"type":"recovery-refused","category":"heartbeat","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","action":"restart","reason":"user-stopped"}""", """
            {"seq":22,"type":"ctrl-truncated","category":"heartbeat","at":"2026-12-02T10:00:01Z","session":"s1","length":32,"suppressed":0}""", """
            {"seq":23,"type":"auth-failure","category":"heartbeat","at":"2026-12-02T10:00:01Z","claimedPid":1,"senderPid":42,"suppressed":3}""", """
            {"seq":24,"type":"auth-failure","category":"heartbeat","at":"2026-12-02T10:00:01Z","session":"s1","senderPid":42,"senderUid":1001,"reason":"foreign-uid","transport":"notify","suppressed":0}""", """
            {"seq":25,"type":"decode","category":"heartbeat","at":"2026-12-02T10:00:01Z","kind":"BadLength","length":-1,"senderPid":null,"suppressed":0}""", """
            {"seq":26,"type":"origin-conflict","category":"heartbeat","at":"2026-12-02T10:00:01Z","claimedPid":42,"observedOrigin":"network-unverified","slotOrigin":"kernel-attested","suppressed":0}""", """
            {"seq":27,"type":"namespace-conflict","category":"heartbeat","at":"2026-12-02T10:00:01Z","claimedPid":42,"observedNamespace":4026531836,"suppressed":0}""", """
            {"seq":28,"type":"io","category":"heartbeat","at":"2026-12-02T10:00:01Z","operation":"recvmmsg","error":"EBADF","suppressed":0}""", """
            {"seq":29,"type":"leftover-killed","category":"daemon","at":"2026-12-02T10:00:01Z","pid":42,"argv0":"sleep","session":"ab12cd34","killed":[42,43]}""", """
            {"seq":30,"type":"daemon-stopping","category":"daemon","at":"2026-12-02T10:00:01Z","graceMs":5000}""", """
            {"seq":31,"type":"apply","category":"daemon","at":"2026-12-02T10:00:01Z","started":["db"],"restarted":[],"stopped":["old"],"unchanged":["web"],"error":null}""", """
            {"seq":32,"type":"saved","category":"daemon","at":"2026-12-02T10:00:01Z","apps":["api","db"]}""", """
            {"seq":33,"type":"resurrected","category":"daemon","at":"2026-12-02T10:00:01Z","started":["web"],"failed":1}""", """
            {"seq":37,"type":"daemon-upgraded","category":"daemon","at":"2026-12-02T10:00:03Z","from":"0.1.0","to":"0.2.0","windowMs":612,"upgrades":1}""", """
            {"seq":38,"type":"upgrade-failed","category":"daemon","at":"2026-12-02T10:00:03Z","reason":"the new build cannot take over"}""", """
            {"seq":34,"type":"reloading","category":"lifecycle","at":"2026-12-02T10:00:01Z","session":"s1","name":"web","pid":42,"signal":"HUP"}""", """
            {"seq":35,"type":"reloaded","category":"heartbeat","at":"2026-12-02T10:00:02Z","session":"s1","name":"web","pid":42}""", """
            {"seq":36,"type":"memory-exceeded","category":"lifecycle","at":"2026-12-02T10:00:02Z","session":"s1","name":"web","pid":42,"rssBytes":209715200,"limitBytes":104857600,"processes":2,"action":"restart"}""", """
            {"seq":37,"type":"forked","category":"process","at":"2026-12-02T10:00:02Z","session":"s1","name":"web","pid":43,"ppid":42}""", """
            {"seq":38,"type":"exec","category":"process","at":"2026-12-02T10:00:02Z","session":"s1","name":"web","pid":43,"argv":["/bin/true"],"comm":"true"}""", """
            {"seq":39,"type":"process-exited","category":"process","at":"2026-12-02T10:00:02Z","session":"s1","name":"web","pid":43,"ppid":42,"exitCode":null,"signal":"KILL"}""", """
            {"seq":40,"type":"moved","category":"file","at":"2026-12-02T10:00:02Z","session":"s1","name":"web","pid":44,"path":"/t/a","toPath":"/t/b"}""", """
            {"seq":41,"type":"written","category":"file","at":"2026-12-02T10:00:02Z","session":"s1","name":null,"pid":44,"path":"/t/a"}""", """
            {"seq":42,"type":"closed","category":"network","at":"2026-12-02T10:00:02Z","session":"s1","name":"web","pid":42,"protocol":"tcp","family":"ipv4","local":"127.0.0.1:8000","remote":"127.0.0.1:51234","bytesIn":120,"bytesOut":5242882}""", """
            {"seq":43,"type":"listening","category":"network","at":"2026-12-02T10:00:02Z","session":"s1","name":"web","pid":42,"protocol":"udp","family":"ipv6","local":"[::]:53","remote":"[::]:0"}""", """
            {"seq":44,"type":"suppressed","category":"file","at":"2026-12-02T10:00:02Z","session":"s1","name":"web","events":1200}""", """
            {"seq":45,"type":"lost","category":"network","at":"2026-12-02T10:00:02Z","session":null,"name":null,"events":3}""", """
            {"seq":0,"type":"dropped","category":"daemon","at":"2026-12-02T10:00:01Z","events":12}""");

    @Test
    void everyEventTypeHasItsRecordAndWritesBackByteForByte() {
        for (String line : EVENTS) {
            Event e = same(line, Event::fromJson, Event::toJson);
            assertFalse(e instanceof Event.Other, line);
            assertEquals(Json.parseObject(line).get("type"), e.type());
        }
        SessionEvent.Exited exited = (SessionEvent.Exited) Event.fromJson(Json.parseObject(EVENTS.get(1)));
        assertEquals(Outcome.SOFT_EXIT, exited.outcome());
        assertNull(exited.exitCode());
        HeartbeatEvent.Stall stall = (HeartbeatEvent.Stall) Event.fromJson(Json.parseObject(EVENTS.get(13)));
        assertEquals(BeatOrigin.NETWORK_UNVERIFIED, stall.origin());
        assertEquals(Duration.ofMillis(1200), stall.silent());
        assertEquals(List.of(42L, 43L), ((DaemonEvent.LeftoverKilled) Event.fromJson(Json.parseObject(EVENTS.get(28)))).killed());
    }

    @Test
    void anEventOfATypeThisClientDoesNotKnowIsKeptAsItCame() {
        Event e = same("""
                {"seq":40,"type":"teleported","at":"2026-12-02T10:00:01Z","session":"s1","where":{"x":1}}""",
                Event::fromJson, Event::toJson);
        Event.Other other = assertInstanceOf(Event.Other.class, e);
        assertEquals("teleported", other.type());
        assertEquals(Map.of("session", "s1", "where", Map.of("x", 1L)), other.fields());
    }

    @Test
    void theAnswersOfTheDaemonsEndpointsWriteBackByteForByte() {
        HealthInfo h = same("""
                {"status":"stopping","version":"0.1.0","pid":4242,"uptimeMs":61000,"sessions":2,"home":"/h","lastEventSeq":17,"upgrades":0}""",
                HealthInfo::fromJson, HealthInfo::toJson);
        HealthInfo upgraded = same("""
                {"status":"ok","version":"0.2.0","pid":4242,"uptimeMs":61000,"sessions":2,"home":"/h","lastEventSeq":17,"upgrades":3,\
                "lastUpgradeFailure":"requests were still under way after 5 s"}""", HealthInfo::fromJson, HealthInfo::toJson);
        assertEquals(3, upgraded.upgrades());
        same("""
                {"pid":4242,"version":"0.1.0","upgrades":2}""", UpgradeStarted::fromJson, UpgradeStarted::toJson);
        assertEquals(HealthInfo.Status.STOPPING, h.status());
        assertEquals(Duration.ofSeconds(61), h.uptime());
        same("""
                {"capabilities":[{"category":"lifecycle","support":"supported","backend":"pidfd+epoll","reason":"ok"},\
                {"category":"file","support":"unavailable","backend":"none","reason":"needs fanotify"}]}""",
                CapabilityMatrix::fromJson, CapabilityMatrix::toJson);
        BeatStats b = same("""
                {"agents":[{"pid":4242,"session":"s1","name":"web","origin":"kernel-attested","status":"ok",\
                "lastNonce":"18446744073709551615","ageMs":212,"beats":118,"stalls":0,"stalled":false,"namespace":4026531836},\
                {"pid":7,"session":null,"name":null,"origin":"network-unverified","status":"critical","lastNonce":"1",\
                "ageMs":5,"beats":1,"stalls":2,"stalled":true,"namespace":null}],"socketDir":"/h/beats"}""",
                BeatStats::fromJson, BeatStats::toJson);
        assertEquals(-1L, b.agents().getFirst().lastNonce(), "the terminal nonce, 2^64-1, unsigned");
        same("""
                {"stopping":true,"graceMs":5000}""", DaemonStopping::fromJson, DaemonStopping::toJson);
    }

    @Test
    void portsWriteBackByteForByteWithCountersOnlyForTcp() {
        PortList p = same("""
                {"ports":[{"session":"s1","name":"web","pid":42,"protocol":"tcp","family":"ipv4","state":"LISTEN",\
                "local":"127.0.0.1:8080","remote":"0.0.0.0:0","inode":4294967295,"uid":1000,"bytesIn":0,"bytesOut":0},\
                {"session":"s1","name":null,"pid":43,"protocol":"udp","family":"ipv6","state":"UNCONN",\
                "local":"[::1]:53","remote":"[::]:0","inode":7,"uid":0,"bytesIn":null,"bytesOut":null}]}""",
                PortList::fromJson, PortList::toJson);
        assertEquals(4294967295L, p.ports().getFirst().inode(), "an inode is an unsigned 32-bit number");
        assertNull(p.ports().get(1).bytesIn());
        same("""
                {"ports":[]}""", PortList::fromJson, PortList::toJson);
    }

    @Test
    void outputAndLogsCarryTheirBytes() {
        OutputChunk o = same("""
                {"stream":"stdout","cursor":0,"next":6,"dropped":0,"end":6,"eof":false,"data":"aGVsbG8K",\
                "times":[{"offset":0,"epochMs":1764700000123},{"offset":3,"epochMs":1764700000125}]}""",
                OutputChunk::fromJson, OutputChunk::toJson);
        assertArrayEquals("hello\n".getBytes(StandardCharsets.UTF_8), o.data());
        assertEquals(o, OutputChunk.fromJson(Json.parseObject(Json.write(o.toJson()))), "equal by content");
        assertEquals(1764700000125L, o.piece().timeAt(5), "a byte takes the time of the last arrival at or before it");
        LogsPage both = same("""
                {"pieces":[{"stream":"stdout","cursor":0,"next":4,"dropped":0,"data":"b25lCg==","times":[]},\
                {"stream":"stderr","cursor":0,"next":5,"dropped":2,"data":"b29wcwo=","times":[{"offset":0,"epochMs":7}]}],\
                "next":{"stdout":4,"stderr":5},"end":{"stdout":4,"stderr":7},"eof":false}""",
                LogsPage::fromJson, LogsPage::toJson);
        assertEquals(5, both.errNext());
        assertFalse(both.caughtUp(), "stderr held 7");
        LogsPage pty = same("""
                {"pieces":[],"next":{"pty":9},"end":{"pty":9},"eof":true}""", LogsPage::fromJson, LogsPage::toJson);
        assertEquals(StdStream.PTY, pty.next().first());
        assertEquals(0, pty.errEnd(), "a terminal has no stderr");
        assertTrue(pty.caughtUp());
        same("""
                {"written":3,"eof":true}""", StdinWritten::fromJson, StdinWritten::toJson);
    }

    @Test
    void theListAnswersWriteBackByteForByte() {
        same("""
                {"flushed":["s1","s2"]}""", FlushResult::fromJson, FlushResult::toJson);
        same("""
                {"released":[]}""", PurgeResult::fromJson, PurgeResult::toJson);
        same("""
                {"stopped":["s1"]}""", KillOlderResult::fromJson, KillOlderResult::toJson);
        same("""
                {"saved":["api","db"]}""", SaveResult::fromJson, SaveResult::toJson);
        ResurrectResult r = same("""
                {"started":["web"],"running":[],"stopped":["db"],"ended":[],"failed":[{"name":"api","code":"not-ready",\
                "detail":"app \\"api\\" not started: \\"db\\" is not running (stopped by you)"}]}""",
                ResurrectResult::fromJson, ResurrectResult::toJson);
        assertEquals(ErrorCode.NOT_READY, r.failed().getFirst().code());
        assertNull(same("""
                {"started":[],"running":["web"],"stopped":[],"failed":[]}""", ResurrectResult::fromJson,
                ResurrectResult::toJson).ended(), "an older daemon's answer, without ended, stays without it");
        ApplyResult a = same("""
                {"actions":[{"name":"db","action":"unchanged","id":"s1"},{"name":"web","action":"start","id":null}],\
                "dryRun":true}""", ApplyResult::fromJson, ApplyResult::toJson);
        assertEquals(ApplyResult.Kind.START, a.actions().get(1).action());
    }

    @Test
    void aProblemBecomesTheFailureItNames() {
        ErrorBody e = same("""
                {"type":"https://steward.dev/problems/not-found","title":"not-found","status":404,"code":"not-found",\
                "detail":"no session 'web'"}""", ErrorBody::fromJson, ErrorBody::toJson);
        assertEquals(ErrorCode.NOT_FOUND, e.toException(404).code());
        assertEquals("no session 'web'", e.toException(404).getMessage());
        StewardException unknown = ErrorBody.fromJson(Json.parseObject("{\"code\":\"teapot\"}")).toException(418);
        assertEquals(ErrorCode.INTERNAL, unknown.code(), "a code this client does not know is still a failure");
        assertEquals("HTTP 418", unknown.getMessage());
    }

    /** {@code text} read into its record and written again: the same bytes, and the same values. */
    @Test
    void everyAttachMessageWritesBackByteForByte() {
        for (String text : List.of(
                "{\"type\":\"hello\",\"session\":\"abcd1234\",\"kind\":\"pty\",\"stdoutCursor\":12,\"stderrCursor\":0,\"readOnly\":false}",
                "{\"type\":\"dropped\",\"stream\":\"stderr\",\"bytes\":4096,\"cursor\":70000}",
                "{\"type\":\"stolen\"}",
                "{\"type\":\"restarted\",\"exitCode\":null,\"signal\":\"TERM\",\"outcome\":\"soft-exit\",\"pid\":4242,\"restarts\":3}",
                "{\"type\":\"exit\",\"exitCode\":4,\"signal\":null,\"outcome\":\"natural-exit\"}",
                "{\"type\":\"error\",\"code\":\"invalid-input\",\"detail\":\"unknown control message 'x'\"}")) {
            same(text, AttachMessage::fromJson, AttachMessage::toJson);
        }
        assertNull(AttachMessage.fromJson(Json.parseObject("{\"type\":\"from-a-newer-daemon\"}")),
                "a type this side does not know is no message of it");
    }

    private static <T> T same(String text, Function<Map<String, Object>, T> read, Function<T, Map<String, Object>> write) {
        Map<String, Object> json = Json.parseObject(text);
        T record = read.apply(json);
        assertEquals(text, Json.write(write.apply(record)));
        assertEquals(json, write.apply(record));
        return record;
    }
}
