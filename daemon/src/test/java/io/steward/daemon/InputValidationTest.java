package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.HealthInfo;
import io.steward.api.Json;
import io.steward.api.RunOption;
import io.steward.api.RunOptions;
import io.steward.api.SessionInfo;
import io.steward.sys.Sqlite;
import io.steward.sys.SqliteStatement;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input, class by class: JSON null in any field, wrong types, numbers out of range, strings
 * that cannot become a C string (NUL, lone surrogates, invalid UTF-8), bad query parameters,
 * methods a path does not take. Each is a 4xx problem naming the field, never a 5xx, and changes
 * nothing: no session started, stopped or written to, no journal or app row, no event.
 */
class InputValidationTest extends DaemonFixture {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final List<String> failures = new ArrayList<>();

    @BeforeEach
    void sessions() {
        run("argv", List.of("cat"), "name", "v-cat");
        run("argv", List.of("sleep", "600"), "name", "v-pty", "pty", true);
    }

    @Test
    void nullInEveryFieldOfEveryBodyIsRefusedNamingIt() throws Exception {
        Snapshot before = snapshot();
        for (String field : RunOptions.ALL.stream().map(RunOption::wire).toList()) {
            String body = field.equals("argv") ? "{\"argv\":null}" : "{\"argv\":[\"sleep\",\"600\"],\"" + field + "\":null}";
            refused("POST", "/v1/sessions", body, 400, field);
        }
        String cat = "/v1/sessions/v-cat";
        refused("POST", cat + "/signal", "{\"signal\":null}", 400, "signal");
        refused("POST", cat + "/stop", "{\"graceMs\":null}", 400, "graceMs");
        refused("POST", cat + "/stop", "{\"graceMs\":1000,\"wait\":null}", 400, "wait");
        refused("POST", "/v1/sessions/v-pty/resize", "{\"rows\":null,\"cols\":80}", 400, "rows");
        refused("POST", "/v1/sessions/v-pty/resize", "{\"rows\":30,\"cols\":null}", 400, "cols");
        refused("POST", cat + "/wait", "{\"for\":null,\"timeoutMs\":1}", 400, "for");
        refused("POST", cat + "/wait", "{\"timeoutMs\":null}", 400, "timeoutMs");
        refused("POST", "/v1/kill-older", "{\"olderThanMs\":null}", 400, "olderThanMs");
        refused("POST", "/v1/apply", "{\"apps\":null}", 400, "apps");
        refused("POST", "/v1/apply", "{\"apps\":[],\"dryRun\":null}", 400, "dryRun");
        refused("POST", "/v1/apply", "{\"apps\":[null]}", 400, "apps");
        String app = "{\"name\":\"a\",\"request\":{\"argv\":[\"sleep\",\"600\"]}";
        refused("POST", "/v1/apply", "{\"apps\":[{\"name\":null,\"request\":{\"argv\":[\"true\"]}}]}", 400, "name");
        refused("POST", "/v1/apply", "{\"apps\":[{\"name\":\"a\",\"request\":null}]}", 400, "request");
        for (String field : List.of("after", "readyPort", "readyTimeoutMs")) {
            refused("POST", "/v1/apply", "{\"apps\":[" + app + ",\"" + field + "\":null}]}", 400, field);
        }
        refused("POST", "/v1/apply", "{\"apps\":[{\"name\":\"a\",\"request\":{\"argv\":[\"sleep\",\"600\"],"
                + "\"ringBytes\":null}}]}", 400, "ringBytes");
        refused("POST", "/v1/daemon/stop", "{\"graceMs\":null}", 400, "graceMs");
        assertNothingChanged(before);
    }

    @Test
    void stringsThatBecomeArgvEnvOrCwdAreCheckedNotReplaced() throws Exception {
        Snapshot before = snapshot();
        refused("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"cwd\":\"/tmp/\\u0000x\"}", 400, "cwd");
        refused("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"cwd\":\"/tmp/\\ud800x\"}", 400, "cwd");
        refused("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"cwd\":\"/tmp/\\udc00\"}", 400, "cwd");
        refused("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"cwd\":\"tmp\"}", 400, "cwd");
        refused("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"cwd\":\"\"}", 400, "cwd");
        refused("POST", "/v1/sessions", "{\"argv\":[\"printf\",\"\\ud800\"]}", 400, "argv");
        refused("POST", "/v1/sessions", "{\"argv\":[\"printf\",\"a\\u0000b\"]}", 400, "argv");
        refused("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"env\":{\"A\":\"\\udfff\"}}", 400, "env");
        refused("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"env\":{\"\\ud83d\":\"x\"}}", 400, "env");
        refused("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"env\":{\"A\":\"x\\u0000\"}}", 400, "env");
        refused("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"label\":\"\\ud800\"}", 400, "surrogate");
        // Bytes that are not UTF-8 (a stray continuation, an overlong '/', an encoded surrogate) are refused,
        // not turned into U+FFFD and spawned.
        for (byte[] bad : List.of(new byte[] {(byte) 0xff, (byte) 0xfe}, new byte[] {(byte) 0xc0, (byte) 0xaf},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82})) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes("{\"argv\":[\"printf\",\"".getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(bad);
            b.writeBytes("\"]}".getBytes(StandardCharsets.US_ASCII));
            refused("POST", "/v1/sessions", b.toByteArray(), List.of(), 400, "argv[1]: not valid UTF-8 (byte 19 ");
        }
        assertNothingChanged(before);
    }

    @Test
    void numbersOutOfRangeAndWrongTypesAreRefused() throws Exception {
        Snapshot before = snapshot();
        for (String v : List.of("9007199254740992", "9223372036854775807", "-1", "1.5", "\"1000\"", "true", "[]", "{}",
                "1e3", "123456789012345678901234567890")) {
            refused("POST", "/v1/kill-older", "{\"olderThanMs\":" + v + "}", 400, "olderThanMs");
            refused("POST", "/v1/sessions/v-cat/stop", "{\"graceMs\":" + v + "}", 400, "graceMs");
            refused("POST", "/v1/sessions/v-cat/wait", "{\"timeoutMs\":" + v + "}", 400, "timeoutMs");
            refused("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"ringBytes\":" + v + "}", 400, "ringBytes");
            refused("POST", "/v1/daemon/stop", "{\"graceMs\":" + v + "}", 400, "graceMs");
        }
        refused("POST", "/v1/sessions/v-pty/resize", "{\"rows\":0,\"cols\":80}", 400, "rows");
        refused("POST", "/v1/sessions/v-pty/resize", "{\"rows\":24,\"cols\":9007199254740993}", 400, "cols");
        refused("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"pty\":true,\"rows\":4294967320}", 400, "rows");
        refused("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"restart\":\"always\",\"maxRestarts\":4294967297}", 400,
                "maxRestarts");
        refused("POST", "/v1/sessions", "{\"argv\":\"true\"}", 400, "argv");
        refused("POST", "/v1/sessions", "{\"argv\":[\"true\"],\"env\":[\"A=1\"]}", 400, "env");
        refused("POST", "/v1/sessions/v-cat/signal", "{\"signal\":15}", 400, "signal");
        refused("POST", "/v1/apply", "{\"apps\":[{\"name\":\"a\",\"request\":{\"argv\":[\"true\"]},\"readyPort\":65536}]}",
                400, "readyPort");
        refused("POST", "/v1/apply", "{\"apps\":[{\"name\":\"a\",\"request\":{\"argv\":[\"true\"]},"
                + "\"readyTimeoutMs\":9007199254740992}]}", 400, "readyTimeoutMs");
        assertNothingChanged(before);
    }

    @Test
    void badQueryParametersAreRefusedNamingThem() throws Exception {
        Snapshot before = snapshot();
        for (String since : List.of("abc", "-2", "1.5", "", "99999999999999999999")) {
            refused("GET", "/v1/events?since=" + since, (byte[]) null, List.of(), 400, "since");
        }
        refused("GET", "/v1/events", (byte[]) null, List.of("Last-Event-ID: abc"), 400, "Last-Event-ID");
        refused("GET", "/v1/sessions?all=yes", (byte[]) null, List.of(), 400, "all");
        refused("GET", "/v1/sessions?alll=true", (byte[]) null, List.of(), 400, "alll");
        refused("GET", "/v1/health?x=1", (byte[]) null, List.of(), 400, "'x'");
        refused("GET", "/v1/sessions/v-cat/output?cursor=abc", (byte[]) null, List.of(), 400, "cursor");
        refused("GET", "/v1/sessions/v-cat/output?cursor=1&cursor=2", (byte[]) null, List.of(), 400, "cursor");
        refused("GET", "/v1/sessions/v-cat/output?max=-1", (byte[]) null, List.of(), 400, "max");
        refused("GET", "/v1/sessions/v-cat/output?stream=stdin", (byte[]) null, List.of(), 400, "stream");
        refused("POST", "/v1/sessions/v-cat/stdin?eof=yes", "hello\n".getBytes(StandardCharsets.UTF_8), List.of(), 400,
                "eof");
        refused("POST", "/v1/sessions?all=true", "{\"argv\":[\"sleep\",\"600\"]}", 400, "all");
        String upgrade = "Connection: Upgrade|Upgrade: websocket|Sec-WebSocket-Version: 13"
                + "|Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";
        for (String q : List.of("cursor=-1", "stderrCursor=x", "steal=yes", "readOnly=1", "follow=true")) {
            refused("GET", "/v1/sessions/v-cat/attach?" + q, (byte[]) null, List.of(upgrade.split("\\|")), 400,
                    q.substring(0, q.indexOf('=')));
        }
        assertNothingChanged(before);
    }

    @Test
    void everyMethodOnEveryPathIsKnown() throws Exception {
        Snapshot before = snapshot();
        Map<String, String> allowed = new TreeMap<>(Map.ofEntries(Map.entry("/metrics", "GET"),
                Map.entry("/v1/health", "GET"), Map.entry("/v1/capabilities", "GET"), Map.entry("/v1/beats", "GET"),
                Map.entry("/v1/events", "GET"), Map.entry("/v1/flush", "POST"), Map.entry("/v1/save", "POST"),
                Map.entry("/v1/resurrect", "POST"), Map.entry("/v1/apply", "POST"), Map.entry("/v1/purge", "POST"),
                Map.entry("/v1/kill-older", "POST"), Map.entry("/v1/daemon/stop", "POST"),
                Map.entry("/v1/sessions", "GET, POST"), Map.entry("/v1/sessions/v-cat", "DELETE, GET"),
                Map.entry("/v1/sessions/no-such", "DELETE, GET"), Map.entry("/v1/sessions/v-cat/output", "GET"),
                Map.entry("/v1/sessions/v-cat/stdin", "POST"), Map.entry("/v1/sessions/v-cat/signal", "POST"),
                Map.entry("/v1/sessions/v-cat/stop", "POST"), Map.entry("/v1/sessions/v-cat/kill", "POST"),
                Map.entry("/v1/sessions/v-cat/resize", "POST"), Map.entry("/v1/sessions/v-cat/wait", "POST"),
                Map.entry("/v1/sessions/v-cat/flush", "POST"), Map.entry("/v1/sessions/v-cat/attach", "GET")));
        for (Map.Entry<String, String> route : allowed.entrySet()) {
            List<String> methods = List.of(route.getValue().split(", "));
            for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "FROB")) {
                if (methods.contains(method)) {
                    continue;
                }
                String head = method + " " + route.getKey() + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n";
                WsWire.Reply r = WsWire.exchange(stewardHome.socket(), head.getBytes(StandardCharsets.US_ASCII),
                        "{}".getBytes(StandardCharsets.US_ASCII), TIMEOUT, method.equals("HEAD"));
                String what = method + " " + route.getKey() + " -> " + r.statusLine() + " " + r.text();
                if (r.status() != 405) {
                    failures.add(what + ": not 405");
                } else if (!route.getValue().equals(r.headers().get("allow"))) {
                    failures.add(what + ": Allow " + r.headers().get("allow") + ", not " + route.getValue());
                } else if (!r.contentType().startsWith("application/problem+json")) {
                    failures.add(what + ": " + r.contentType());
                } else if (!method.equals("HEAD") && !"method-not-allowed".equals(Json.parseObject(r.text()).get("code"))) {
                    failures.add(what + ": code");
                }
            }
        }
        assertNothingChanged(before);
    }

    @Test
    void aBodyIsCheckedWholeBeforeAnythingHappens() throws Exception {
        Snapshot before = snapshot();
        String cat = "/v1/sessions/v-cat";
        refused("POST", cat + "/stop", "{\"graceMs\":1000,\"wait\":\"yes\"}", 400, "wait");
        refused("POST", cat + "/stop", "{\"grace\":1000}", 400, "grace");
        refused("POST", cat + "/signal", "{\"signal\":\"TERM\",\"to\":\"tree\"}", 400, "to");
        refused("POST", cat + "/kill", "{\"signal\":\"TERM\"}", 400, "signal");
        refused("POST", cat + "/flush", "{\"all\":true}", 400, "all");
        refused("POST", "/v1/purge", "[]", 400, "object");
        refused("POST", "/v1/sessions/v-pty/resize", "{\"rows\":30,\"cols\":100,\"x\":1}", 400, "'x'");
        refused("POST", "/v1/kill-older", "{\"olderThanMs\":0,\"dryRun\":true}", 400, "dryRun");
        refused("POST", "/v1/daemon/stop", "{\"graceMs\":1000,\"force\":true}", 400, "force");
        assertNothingChanged(before);
    }

    // ---- helpers ----

    private void refused(String method, String target, String json, int status, String naming) throws Exception {
        refused(method, target, json.getBytes(StandardCharsets.UTF_8), List.of(), status, naming);
    }

    /** Sends one request and records what is wrong unless it is a {@code status} problem whose detail names {@code naming}. */
    private void refused(String method, String target, byte[] body, List<String> headers, int status, String naming)
            throws Exception {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n");
        if (headers.stream().noneMatch(h -> h.startsWith("Connection:"))) {
            head.append("Connection: close\r\n");
        }
        headers.forEach(h -> head.append(h).append("\r\n"));
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        String what = method + " " + target + (body == null ? "" : " " + new String(body, StandardCharsets.ISO_8859_1));
        WsWire.Reply r;
        try {
            r = WsWire.exchange(stewardHome.socket(), head.toString().getBytes(StandardCharsets.UTF_8), body, TIMEOUT);
        } catch (AssertionError | Exception e) {
            failures.add(what + " -> " + e);
            return;
        }
        String shown = what + " -> " + r.statusLine() + " " + r.text();
        if (r.status() != status || !r.contentType().startsWith("application/problem+json")) {
            failures.add(shown);
            return;
        }
        Map<String, Object> p = Json.parseObject(r.text());
        if (!"invalid-input".equals(p.get("code")) || !String.valueOf(p.get("detail")).contains(naming)) {
            failures.add(shown + " (should name " + naming + ")");
        }
    }

    /** What a refused request must leave as it was. */
    record Snapshot(List<Map<String, Object>> sessions, long journalRows, long appRows, List<String> logFiles,
            long lastEvent, String catOutput) {}

    private Snapshot snapshot() throws Exception {
        List<Map<String, Object>> views = new ArrayList<>();
        for (SessionInfo s : client.sessions().list(true, null)) {
            Map<String, Object> v = new TreeMap<>(s.toJson());
            List.of("ageMs", "idleMs", "cpuMs", "peakRssBytes", "rssBytes", "treeCpuMs", "treeRssBytes", "treeProcesses").forEach(v::remove);
            views.add(v);
        }
        long journal;
        long apps;
        try (Sqlite db = Sqlite.open(home.resolve("state.db"))) {
            journal = count(db, "live_group");
            apps = count(db, "app");
        }
        List<String> logs = new ArrayList<>();
        Path dir = home.resolve("logs");
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                files.map(f -> f.getFileName().toString()).sorted().forEach(logs::add);
            }
        }
        return new Snapshot(views, journal, apps, logs, daemon.events().lastSeq(), text("v-cat"));
    }

    private static long count(Sqlite db, String table) {
        try (SqliteStatement st = db.prepare("SELECT count(*) FROM " + table)) {
            st.step();
            return st.getLong(0);
        }
    }

    private void assertNothingChanged(Snapshot before) throws Exception {
        assertTrue(failures.isEmpty(), failures.size() + " requests not refused as they should be:\n"
                + String.join("\n", failures));
        assertEquals(HealthInfo.Status.OK, client.daemon().health().status());
        Snapshot after = snapshot();
        assertEquals(before, after, "a refused request changed something");
        assertEquals(2, after.journalRows(), "the two sessions' journal rows, no more");
        assertEquals(0, metric("steward_errors_total{code=\"internal\"}"));
    }
}
