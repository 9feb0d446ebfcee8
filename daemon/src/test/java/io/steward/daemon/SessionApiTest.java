package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import io.steward.client.UnixHttp;
import io.steward.core.ProcStat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionApiTest extends DaemonFixture {
    @Test
    void runListGetAndReadWithoutDraining() {
        Map<String, Object> s = run("argv", List.of("sh", "-c", "printf 'one\\ntwo\\n'; exec sleep 600"), "name", "web",
                "label", "demo");
        String id = (String) s.get("id");
        assertEquals(26, id.length());
        assertEquals("pipe", s.get("kind"));
        assertEquals("running", s.get("phase"));
        poll("output", () -> text(id).equals("one\ntwo\n"));
        assertArrayEquals(output(id, null, 0), output(id, null, 0), "reads do not consume");
        assertArrayEquals("two\n".getBytes(), output(id, "stdout", 4));
        assertEquals(id, client.session("web").get("id"), "by name");
        assertEquals(id, client.session(id.substring(0, 6)).get("id"), "by prefix");
        List<Map<String, Object>> listed = client.list(false);
        assertEquals(1, listed.size());
        for (String field : new String[] {"id", "name", "label", "kind", "argv", "pid", "phase", "exitCode", "signal",
                "outcome", "startedAt", "ageMs", "idleMs", "bufferedBytes", "droppedBytes", "stdinOpen", "attached",
                "rows", "cols", "cpuMs", "peakRssBytes"}) {
            assertTrue(listed.getFirst().containsKey(field), field);
        }
    }

    @Test
    void stopWithLongGraceReturnsAtOnceAndOutcomesAreRecorded() {
        String soft = (String) run("argv", List.of("sleep", "600")).get("id");
        String hard = (String) run("argv", List.of("sh", "-c", "trap '' TERM; echo armed; while :; do sleep 1; done")).get("id");
        String natural = (String) run("argv", List.of("sh", "-c", "exit 3")).get("id");
        poll("trap armed", () -> text(hard).contains("armed"));
        long t0 = System.nanoTime();
        client.object("POST", "/v1/sessions/" + hard + "/stop", Json.object("graceMs", 30_000L));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 200, "stop took " + ms + " ms");
        client.object("POST", "/v1/sessions/" + soft + "/stop", Json.object("graceMs", 30_000L));
        assertEquals("soft-exit", waitExit(soft).get("outcome"));
        assertEquals("TERM", client.session(soft).get("signal"));
        assertEquals("natural-exit", waitExit(natural).get("outcome"));
        assertEquals(3L, client.session(natural).get("exitCode"));
        client.object("POST", "/v1/sessions/" + hard + "/kill", null);
        Map<String, Object> h = waitExit(hard);
        assertEquals("hard-killed", h.get("outcome"));
        assertEquals("KILL", h.get("signal"));
    }

    @Test
    void stopLeavesNothingOfATreeWithASetsidEscapee() {
        String id = (String) run("argv", List.of("sh", "-c",
                "sleep 601 & sleep 602 & sleep 603 & ( setsid sh -c 'sleep 604' & ) ; echo up; wait")).get("id");
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
        client.stop(id, 2000, true);
        poll("no survivor", () -> sleeps.entrySet().stream().noneMatch(e -> ProcStat.read(e.getKey())
                .filter(p -> p.startTicks() == e.getValue() && !p.zombie()).isPresent()));
    }

    @Test
    void resizeWhileDetachedIsSeenBySttyAndControlBytesArePreserved() {
        String id = (String) run("argv", List.of("sh"), "pty", true, "rows", 24L, "cols", 80L).get("id");
        client.object("POST", "/v1/sessions/" + id + "/resize", Json.object("rows", 50L, "cols", 132L));
        Map<String, Object> s = client.session(id);
        assertEquals(50L, s.get("rows"));
        assertEquals(132L, s.get("cols"));
        client.raw("POST", "/v1/sessions/" + id + "/stdin", "application/octet-stream",
                "stty size; printf '\\033[1;31mX\\033[0m\\007'\n".getBytes());
        poll("stty and escapes", () -> text(id).contains("50 132") && text(id).contains("\033[1;31mX\033[0m\007"));
    }

    @Test
    void purgeAndKillOlder() {
        String done = (String) run("argv", List.of("true")).get("id");
        waitExit(done);
        String old = (String) run("argv", List.of("sleep", "600")).get("id");
        Map<String, Object> killed = client.object("POST", "/v1/kill-older", Json.object("olderThanMs", 0L));
        assertEquals(List.of(old), killed.get("stopped"));
        waitExit(old);
        Map<String, Object> purged = client.object("POST", "/v1/purge", null);
        assertEquals(2, ((List<?>) purged.get("released")).size());
        assertTrue(client.list(true).isEmpty());
        assertEquals(404, raw("GET", "/v1/sessions/" + done, null).status());
    }

    @Test
    void rmRefusesLiveSessionsAndReleasesExitedOnes() {
        String live = (String) run("argv", List.of("sleep", "600")).get("id");
        UnixHttp.Response r = raw("DELETE", "/v1/sessions/" + live, null);
        assertEquals(409, r.status());
        assertTrue(r.text().contains("\"code\":\"conflict\""));
        client.stop(live, 1000, true);
        assertEquals(200, raw("DELETE", "/v1/sessions/" + live, null).status());
        assertEquals(404, raw("GET", "/v1/sessions/" + live, null).status());
    }

    @Test
    void badInputGetsTypedErrorsAndChangesNothing() {
        String id = (String) run("argv", List.of("cat")).get("id");
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
        assertEquals(1, client.list(true).size(), "nothing was created by bad requests");
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
        String id = (String) run("argv", List.of("sh", "-c", "exit 4")).get("id");
        waitExit(id);
        client.object("POST", "/v1/purge", null);
        poll("started, exited, reaped", () -> lines.stream().anyMatch(l -> l.equals("event: started"))
                && lines.stream().anyMatch(l -> l.startsWith("data:") && l.contains("\"exited\"") && l.contains("\"exitCode\":4"))
                && lines.stream().anyMatch(l -> l.equals("event: reaped")));
        reader.interrupt();
    }

    @Test
    void maxLifetimeStopsSoftlyThenHard() {
        String id = (String) run("argv", List.of("sh", "-c", "trap '' TERM; while :; do sleep 1; done"),
                "maxLifetimeMs", 100L, "graceMs", 200L).get("id");
        Map<String, Object> s = waitExit(id);
        assertEquals("hard-killed", s.get("outcome"), "TERM first, KILL after the grace");
        String soft = (String) run("argv", List.of("sleep", "600"), "maxLifetimeMs", 100L).get("id");
        assertEquals("soft-exit", waitExit(soft).get("outcome"));
    }

    @Test
    void idleTimeoutAndRetention() {
        String idle = (String) run("argv", List.of("sleep", "600"), "idleTimeoutMs", 100L, "retainMs", 0L).get("id");
        assertEquals("soft-exit", waitExit(idle).get("outcome"));
        poll("released after retention", () -> raw("GET", "/v1/sessions/" + idle, null).status() == 404);
    }

    @Test
    void auditLogRecordsCallsButNoSecrets() throws Exception {
        String id = (String) run("argv", List.of("cat"), "env", Map.of("SECRET_TOKEN", "hunter2")).get("id");
        client.raw("POST", "/v1/sessions/" + id + "/stdin", "application/octet-stream", "private-bytes".getBytes());
        client.object("POST", "/v1/sessions/" + id + "/kill", null);
        String audit = Files.readString(home.resolve("audit.log"));
        assertTrue(audit.contains("\"action\":\"run\"") && audit.contains("\"action\":\"stdin\"")
                && audit.contains("\"action\":\"kill\""), audit);
        assertFalse(audit.contains("hunter2") || audit.contains("private-bytes") || audit.contains(id), audit);
        assertTrue(audit.contains("\"uid\":") && audit.contains("\"pid\":"));
    }

    @Test
    void healthAndCapabilities() {
        Map<String, Object> h = client.health();
        assertEquals(ProcessHandle.current().pid(), ((Number) h.get("pid")).longValue());
        assertNotNull(h.get("version"));
        Map<String, Object> caps = client.object("GET", "/v1/capabilities", null);
        assertEquals(4, ((List<?>) caps.get("capabilities")).size());
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
