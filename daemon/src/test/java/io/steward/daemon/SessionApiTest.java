package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.HealthInfo;
import io.steward.api.Json;
import io.steward.api.Outcome;
import io.steward.api.SessionInfo;
import io.steward.api.StdStream;
import io.steward.client.UnixHttp;
import io.steward.core.ProcStat;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionApiTest extends DaemonFixture {
    @Test
    void runListGetAndReadWithoutDraining() {
        SessionInfo s = run("argv", List.of("sh", "-c", "printf 'one\\ntwo\\n'; exec sleep 600"), "name", "web",
                "label", "demo");
        String id = s.id();
        assertEquals(26, id.length());
        assertEquals(SessionInfo.Kind.PIPE, s.kind());
        assertEquals(SessionInfo.Phase.RUNNING, s.phase());
        poll("output", () -> text(id).equals("one\ntwo\n"));
        assertArrayEquals(output(id, null, 0), output(id, null, 0), "reads do not consume");
        assertArrayEquals("two\n".getBytes(), output(id, StdStream.STDOUT, 4));
        assertEquals(id, client.sessions().get("web").id(), "by name");
        assertEquals(id, client.sessions().get(id.substring(0, 6)).id(), "by prefix");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listed = (List<Map<String, Object>>) Json.parseObject(
                raw("GET", "/v1/sessions", null).text()).get("sessions");
        assertEquals(1, listed.size());
        for (String field : new String[] {"id", "name", "label", "kind", "argv", "pid", "phase", "exitCode", "signal",
                "outcome", "startedAt", "ageMs", "idleMs", "bufferedBytes", "droppedBytes", "stdinOpen", "attached",
                "rows", "cols", "cpuMs", "peakRssBytes", "rssBytes"}) {
            assertTrue(listed.getFirst().containsKey(field), field);
        }
    }

    @Test
    void rssIsTheResidentSetNowAndZeroOnceExited() {
        String id = run("argv", List.of("sleep", "600")).id();
        poll("sleep resident", () -> client.sessions().get(id).rssBytes() > 0);
        SessionInfo held = client.sessions().get(id);
        assertTrue(held.rssBytes() > 0 && held.rssBytes() <= held.peakRssBytes(), held.rssBytes() + " of " + held.peakRssBytes());
        long proc = ProcStat.rssBytes((int) held.pid());
        assertTrue(Math.abs(proc - held.rssBytes()) < 256 * 1024, "what /proc says: " + proc + ", " + held.rssBytes());
        client.sessions().stop(id, Duration.ofSeconds(1), true);
        SessionInfo ended = client.sessions().get(id);
        assertEquals(0, ended.rssBytes());
        assertTrue(ended.peakRssBytes() > 0, "the peak stays");
    }

    @Test
    void stopWithLongGraceReturnsAtOnceAndOutcomesAreRecorded() {
        String soft = run("argv", List.of("sleep", "600")).id();
        String hard = run("argv", List.of("sh", "-c", "trap '' TERM; echo armed; while :; do sleep 1; done")).id();
        String natural = run("argv", List.of("sh", "-c", "exit 3")).id();
        poll("trap armed", () -> text(hard).contains("armed"));
        long t0 = System.nanoTime();
        client.sessions().stop(hard, Duration.ofSeconds(30), false);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 200, "stop took " + ms + " ms");
        client.sessions().stop(soft, Duration.ofSeconds(30), false);
        assertEquals(Outcome.SOFT_EXIT, waitExit(soft).outcome());
        assertEquals("TERM", client.sessions().get(soft).signal());
        assertEquals(Outcome.NATURAL_EXIT, waitExit(natural).outcome());
        assertEquals(3, client.sessions().get(natural).exitCode());
        client.sessions().kill(hard);
        SessionInfo h = waitExit(hard);
        assertEquals(Outcome.HARD_KILLED, h.outcome());
        assertEquals("KILL", h.signal());
    }

    @Test
    void stopLeavesNothingOfATreeWithASetsidEscapee() {
        String id = run("argv", List.of("sh", "-c",
                "sleep 601 & sleep 602 & sleep 603 & ( setsid sh -c 'sleep 604' & ) ; echo up; wait")).id();
        poll("tree up", () -> text(id).contains("up"));
        Map<Integer, Long> sleeps = new HashMap<>();
        poll("four sleeps", () -> {
            for (ProcStat p : ProcStat.all()) {
                if (p.comm().equals("sleep") && ProcStat.cmdline(p.pid()).size() == 2
                        && ProcStat.cmdline(p.pid()).get(1).matches("60[1-4]")) {
                    sleeps.put(p.pid(), p.startTicks());
                }
            }
            return sleeps.size() >= 4;
        });
        client.sessions().stop(id, Duration.ofSeconds(2), true);
        poll("no survivor", () -> sleeps.entrySet().stream().noneMatch(e -> ProcStat.read(e.getKey())
                .filter(p -> p.startTicks() == e.getValue() && !p.zombie()).isPresent()));
    }

    @Test
    void resizeWhileDetachedIsSeenBySttyAndControlBytesArePreserved() {
        String id = run("argv", List.of("sh"), "pty", true, "rows", 24L, "cols", 80L).id();
        client.sessions().resize(id, 50, 132);
        SessionInfo s = client.sessions().get(id);
        assertEquals(50, s.rows());
        assertEquals(132, s.cols());
        client.raw("POST", "/v1/sessions/" + id + "/stdin", "application/octet-stream",
                "stty size; printf '\\033[1;31mX\\033[0m\\007'\n".getBytes());
        poll("stty and escapes", () -> text(id).contains("50 132") && text(id).contains("\033[1;31mX\033[0m\007"));
    }

    @Test
    void purgeAndKillOlder() {
        String done = run("argv", List.of("true")).id();
        waitExit(done);
        String old = run("argv", List.of("sleep", "600")).id();
        assertEquals(List.of(old), client.sessions().killOlder(Duration.ZERO).stopped());
        waitExit(old);
        assertEquals(2, client.sessions().purge().released().size());
        assertTrue(names(true).isEmpty());
        assertEquals(404, raw("GET", "/v1/sessions/" + done, null).status());
    }

    @Test
    void rmRefusesLiveSessionsAndReleasesExitedOnes() {
        String live = run("argv", List.of("sleep", "600")).id();
        UnixHttp.Response r = raw("DELETE", "/v1/sessions/" + live, null);
        assertEquals(409, r.status());
        assertTrue(r.text().contains("\"code\":\"conflict\""));
        client.sessions().stop(live, Duration.ofSeconds(1), true);
        assertEquals(200, raw("DELETE", "/v1/sessions/" + live, null).status());
        assertEquals(404, raw("GET", "/v1/sessions/" + live, null).status());
    }

    @Test
    void badInputGetsTypedErrorsAndChangesNothing() {
        String id = run("argv", List.of("cat")).id();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("POST /v1/sessions {\"argv\": [", "invalid-input");
        cases.put("POST /v1/sessions {\"argv\": []}", "invalid-input");
        cases.put("POST /v1/sessions {\"argv\": [\"true\"], \"bogus\": 1}", "invalid-input");
        cases.put("POST /v1/sessions {\"argv\": [\"true\"], \"pty\": true, \"rows\": 0}", "invalid-input");
        cases.put("POST /v1/sessions {\"argv\": [\"true\"], \"pty\": true, \"cols\": 10001}", "invalid-input");
        cases.put("POST /v1/sessions/" + id + "/signal {\"signal\": \"NOPE\"}", "invalid-input");
        cases.put("POST /v1/sessions/" + id + "/resize {\"rows\": 0, \"cols\": 80}", "invalid-input");
        cases.put("GET /v1/sessions/bad!id", "invalid-input");
        cases.put("GET /v1/sessions/abcdefghijklmnopqrstuvwxyz", "not-found");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String[] parts = c.getKey().split(" ", 3);
            UnixHttp.Response r = raw(parts[0], parts[1], parts.length > 2 ? parts[2] : null);
            assertEquals("application/problem+json", r.headers().get("content-type"), c.getKey());
            assertEquals(c.getValue(), Json.parseObject(r.text()).get("code"), c.getKey() + " -> " + r.text());
        }
        UnixHttp.Response missing = raw("POST", "/v1/sessions", "{\"argv\": [\"steward-no-such-program\"]}");
        assertTrue(missing.text().contains("steward-no-such-program") && missing.text().contains("ENOENT"), missing.text());
        client.raw("POST", "/v1/sessions/" + id + "/stdin?eof=true", "application/octet-stream", "x".getBytes());
        UnixHttp.Response afterEof = client.raw("POST", "/v1/sessions/" + id + "/stdin", "application/octet-stream",
                "y".getBytes());
        assertEquals("closed", Json.parseObject(afterEof.text()).get("code"));
        UnixHttp.Response big = client.raw("POST", "/v1/sessions", "application/json", new byte[5 * 1024 * 1024]);
        assertEquals(413, big.status());
        assertEquals("too-large", Json.parseObject(big.text()).get("code"));
        assertEquals(1, names(true).size(), "nothing was created by bad requests");
    }

    @Test
    void eventsStreamLifecycle() throws Exception {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                ch.connect(java.net.UnixDomainSocketAddress.of(stewardHome.socket()));
                var out = java.nio.channels.Channels.newOutputStream(ch);
                out.write("GET /v1/events HTTP/1.1\r\nHost: l\r\n\r\n".getBytes());
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(java.nio.channels.Channels.newInputStream(ch)));
                String l;
                while ((l = in.readLine()) != null) {
                    lines.add(l);
                }
            } catch (Exception e) {
                // closed at the end of the test
            }
        });
        poll("stream open", () -> lines.stream().anyMatch(l -> l.contains("steward events")));
        String id = run("argv", List.of("sh", "-c", "exit 4")).id();
        waitExit(id);
        client.sessions().purge();
        poll("started, exited, reaped", () -> lines.stream().anyMatch(l -> l.equals("event: started"))
                && lines.stream().anyMatch(l -> l.startsWith("data:") && l.contains("\"exited\"") && l.contains("\"exitCode\":4"))
                && lines.stream().anyMatch(l -> l.equals("event: reaped")));
        reader.interrupt();
    }

    @Test
    void maxLifetimeStopsSoftlyThenHard() {
        String id = run("argv", List.of("sh", "-c", "trap '' TERM; while :; do sleep 1; done"),
                "maxLifetimeMs", 100L, "graceMs", 200L).id();
        assertEquals(Outcome.HARD_KILLED, waitExit(id).outcome(), "TERM first, KILL after the grace");
        String soft = run("argv", List.of("sleep", "600"), "maxLifetimeMs", 100L).id();
        assertEquals(Outcome.SOFT_EXIT, waitExit(soft).outcome());
    }

    @Test
    void idleTimeoutAndRetention() {
        String idle = run("argv", List.of("sleep", "600"), "idleTimeoutMs", 100L, "retainMs", 0L).id();
        assertEquals(Outcome.SOFT_EXIT, waitExit(idle).outcome());
        poll("released after retention", () -> raw("GET", "/v1/sessions/" + idle, null).status() == 404);
    }

    @Test
    void auditLogRecordsCallsButNoSecrets() throws Exception {
        String id = run("argv", List.of("cat"), "env", Map.of("SECRET_TOKEN", "hunter2")).id();
        client.raw("POST", "/v1/sessions/" + id + "/stdin", "application/octet-stream", "private-bytes".getBytes());
        client.sessions().kill(id);
        String audit = Files.readString(home.resolve("audit.log"));
        assertTrue(audit.contains("\"action\":\"run\"") && audit.contains("\"action\":\"stdin\"")
                && audit.contains("\"action\":\"kill\""), audit);
        assertFalse(audit.contains("hunter2") || audit.contains("private-bytes") || audit.contains(id), audit);
        assertTrue(audit.contains("\"uid\":") && audit.contains("\"pid\":"));
    }

    @Test
    void healthAndCapabilities() {
        HealthInfo h = client.daemon().health();
        assertEquals(ProcessHandle.current().pid(), h.pid());
        assertNotNull(h.version());
        assertEquals(java.util.List.of("lifecycle", "process", "file", "network", "checkpoint"),
                client.daemon().capabilities().capabilities().stream().map(c -> c.category()).toList());
        String metrics = raw("GET", "/metrics", null).text();
        assertTrue(metrics.contains("steward_errors_total{code=\"quota\"} 0"), metrics);
    }

    @Test
    void namesAreUniqueAmongLiveSessions() {
        run("argv", List.of("sleep", "600"), "name", "db");
        UnixHttp.Response dup = raw("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"name\":\"db\"}");
        assertEquals("conflict", Json.parseObject(dup.text()).get("code"));
        assertNull(Json.parseObject(raw("GET", "/v1/sessions/db", null).text()).get("code"));
    }
}
