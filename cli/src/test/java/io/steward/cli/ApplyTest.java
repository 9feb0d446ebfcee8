package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import io.steward.api.SessionInfo;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code steward apply -f FILE}: the CLI as its own JVM against a real daemon, with real processes. */
class ApplyTest {
    @TempDir
    Path tmp;

    private RunningDaemon daemon;

    private static final String THREE = """
            # three apps, each after the one before
            [[app]]
            name = "db"
            cmd = "sleep 1; systemd-notify --ready; exec sleep 60"
            notify = true

            [[app]]
            name = "api"
            cmd = "sleep 0.2; systemd-notify --ready; exec sleep 61"
            notify = true
            after = ["db"]
            grace = "2s"

            [[app]]
            name = "web"
            argv = ["sleep", "62"]
            after = ["api"]
            [app.env]
            PORT = "8080"
            """;

    @BeforeEach
    void start() throws Exception {
        daemon = RunningDaemon.start(tmp.resolve("home"));
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
    }

    private Cli.Result steward(String... args) throws Exception {
        return Cli.runWith(daemon.env, null, args);
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    /** Name → pid of every running session. */
    private Map<String, Long> running() {
        Map<String, Long> m = new TreeMap<>();
        for (SessionInfo s : daemon.client.sessions().list(false, null)) {
            m.put(String.valueOf(s.name()), s.pid());
        }
        return m;
    }

    /** Every event the daemon still holds, in order. */
    private List<Map<String, Object>> events() throws Exception {
        Cli.Result r = steward("events");
        assertEquals(0, r.code(), r.err());
        List<Map<String, Object>> out = new ArrayList<>();
        r.out().lines().forEach(l -> out.add(Json.parseObject(l)));
        return out;
    }

    private static long seq(List<Map<String, Object>> events, String type, String name) {
        return events.stream().filter(e -> type.equals(e.get("type")) && name.equals(e.get("name")))
                .mapToLong(e -> ((Number) e.get("seq")).longValue()).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " event for " + name + " in " + events));
    }

    @Test
    void appsStartInDependencyOrderEachAfterItsDependencyIsReady() throws Exception {
        Cli.Result r = steward("apply", "-f", file("steward.toml", THREE).toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("start db", "start api", "start web", "started 3, restarted 0, stopped 0, unchanged 0"),
                r.out().lines().toList());
        assertEquals(List.of("api", "db", "web"), List.copyOf(running().keySet()));

        List<Map<String, Object>> events = events();
        assertTrue(seq(events, "started", "db") < seq(events, "ready", "db"));
        assertTrue(seq(events, "ready", "db") < seq(events, "started", "api"), "api starts once db is ready");
        assertTrue(seq(events, "ready", "api") < seq(events, "started", "web"), "web starts once api is ready");
        Map<String, Object> summary = events.stream().filter(e -> "apply".equals(e.get("type"))).findFirst().orElseThrow();
        assertEquals(List.of("db", "api", "web"), summary.get("started"));
        assertEquals("8080", envOf((Number) daemon.session("web").get("pid")).get("PORT"));

        Cli.Result again = steward("apply", "-f", tmp.resolve("steward.toml").toString(), "--json");
        assertEquals(0, again.code(), again.err());
        for (Object a : (List<?>) Json.parseObject(again.out()).get("actions")) {
            assertEquals("unchanged", ((Map<?, ?>) a).get("action"), again.out());
        }
    }

    @Test
    void aReadyPortHoldsItsDependentsBackUntilItAcceptsConnections() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path f = file("ports.toml", """
                [[app]]
                name = "svc"
                cmd = "exec sleep 60"
                ready-port = %d

                [[app]]
                name = "client"
                cmd = "exec sleep 60"
                after = ["svc"]
                """.formatted(port));
        ProcessBuilder pb = Cli.builder("apply", "-f", f.toString()).redirectErrorStream(true);
        pb.environment().putAll(daemon.env);
        Process apply = pb.start();
        try {
            Cli.poll("svc running", () -> running().containsKey("svc"));
            assertFalse(running().containsKey("client"), "client waits while nothing listens on " + port);
            assertTrue(apply.isAlive());
            try (ServerSocket listening = new ServerSocket(port, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
                assertTrue(apply.waitFor(30, TimeUnit.SECONDS), "apply ends once the port accepts");
                String out = new String(apply.getInputStream().readAllBytes());
                assertEquals(0, apply.exitValue(), out);
                assertTrue(out.contains("start svc\nstart client\n"), out);
                assertTrue(running().containsKey("client"));
            }
        } finally {
            apply.destroyForcibly();
        }
    }

    @Test
    void aSecondApplyRestartsOnlyWhatChangedAndStopsWhatWasRemoved() throws Exception {
        String first = """
                [[app]]
                name = "db"
                cmd = "exec sleep 60"

                [[app]]
                name = "api"
                argv = ["sleep", "61"]
                after = ["db"]
                grace = "1s"

                [[app]]
                name = "web"
                argv = ["sleep", "62"]
                after = ["api"]
                """;
        assertEquals(0, steward("apply", "-f", file("apps.toml", first).toString()).code());
        String manual = daemon.run("name", "manual", "argv", List.of("sleep", "63"));
        Map<String, Long> before = running();
        assertEquals(List.of("api", "db", "manual", "web"), List.copyOf(before.keySet()));

        String second = first.replace("argv = [\"sleep\", \"61\"]", "argv = [\"sleep\", \"64\"]")
                .substring(0, first.indexOf("[[app]]\nname = \"web\""));
        Cli.Result r = steward("apply", "-f", file("apps.toml", second).toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("stop web", "unchanged db", "restart api", "started 0, restarted 1, stopped 1, unchanged 1"),
                r.out().lines().toList());

        Map<String, Long> after = running();
        assertEquals(List.of("api", "db", "manual"), List.copyOf(after.keySet()));
        assertEquals(before.get("db"), after.get("db"), "unchanged keeps its process");
        assertEquals(before.get("manual"), after.get("manual"), "a run session is never touched");
        assertEquals(manual, daemon.session("manual").get("id"));
        assertNotEquals(before.get("api"), after.get("api"), "changed: a new process");
        assertEquals(List.of("sleep", "64"), daemon.session("api").get("argv"));
        assertFalse(ProcessHandle.of(before.get("api")).map(ProcessHandle::isAlive).orElse(false));
        assertEquals("exited", daemon.session("web").get("phase"));

        Cli.Result resurrected = steward("resurrect", "--json");
        assertEquals(List.of(), Json.parseObject(resurrected.out()).get("started"), "nothing was saved");
        // web is no longer the file's: applying the same file again leaves it stopped
        Cli.Result third = steward("apply", "-f", tmp.resolve("apps.toml").toString());
        assertEquals(List.of("unchanged db", "unchanged api", "started 0, restarted 0, stopped 0, unchanged 2"),
                third.out().lines().toList());
    }

    @Test
    void configErrorsNameTheFileAndLineAndChangeNothing() throws Exception {
        assertEquals(0, steward("apply", "-f", file("steward.toml", THREE).toString()).code());
        Map<String, Long> before = running();
        String base = "[[app]]\nname = \"db\"\ncmd = \"sleep 60\"\n\n";
        Map<String, String> bad = Map.of(
                "type.toml", base + "[[app]]\nname = \"api\"\ncmd = \"sleep 60\"\nrows = \"40\"\n",
                "cycle.toml", base + "[[app]]\nname = \"a\"\ncmd = \"x\"\nafter = [\"b\"]\n\n[[app]]\nname = \"b\"\n"
                        + "cmd = \"x\"\nafter = [\"a\"]\n",
                "unknown.toml", base + "[[app]]\nname = \"api\"\ncmd = \"sleep 60\"\nrestrat = \"always\"\n",
                "syntax.toml", base + "[[app]]\nname = \"api\"\ncmd = \n",
                "refused.toml", base + "[[app]]\nname = \"api\"\ncmd = \"sleep 60\"\n\npty = true\ncols = 0\n",
                "timeout.toml", base + "[[app]]\nname = \"api\"\ncmd = \"sleep 60\"\nready-timeout = \"0s\"\n");
        Map<String, String> expected = Map.of(
                "type.toml", "type.toml:8: app \"api\": 'rows' must be an integer, not a string",
                "cycle.toml", "cycle.toml:8: app \"a\": 'after' makes a cycle: a -> b -> a",
                "unknown.toml", "unknown.toml:8: app \"api\": unknown key 'restrat'",
                "syntax.toml", "syntax.toml:7: ",
                "refused.toml", "refused.toml:10: app \"api\": cols: 0 outside 1..10000",
                "timeout.toml", "timeout.toml:8: app \"api\": readyTimeoutMs: 0 outside 1..3600000");
        for (var e : bad.entrySet()) {
            Cli.Result r = steward("apply", "-f", file(e.getKey(), e.getValue()).toString());
            assertEquals(2, r.code(), e.getKey() + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("steward: " + tmp.resolve(expected.get(e.getKey()))), r.err());
            assertEquals("", r.out());
            assertEquals(before, running(), e.getKey() + " changed nothing");
        }
    }

    @Test
    void aDryRunPrintsThePlanAndChangesNothing() throws Exception {
        Path f = file("steward.toml", THREE);
        Cli.Result dry = steward("apply", "-f", f.toString(), "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertEquals(List.of("start db", "start api", "start web",
                "dry run, nothing changed: would start 3, restart 0, stop 0, unchanged 0"), dry.out().lines().toList());
        assertEquals(Map.of(), running());

        assertEquals(0, steward("apply", "-f", f.toString()).code());
        Map<String, Long> before = running();
        Files.writeString(f, THREE.replace("sleep 61", "sleep 65").substring(0, THREE.replace("sleep 61", "sleep 65")
                .indexOf("[[app]]\nname = \"web\"")));
        Map<String, Object> plan = Json.parseObject(steward("apply", "-f", f.toString(), "--dry-run", "--json").out());
        assertEquals(true, plan.get("dryRun"));
        List<String> actions = ((List<?>) plan.get("actions")).stream()
                .map(a -> ((Map<?, ?>) a).get("action") + " " + ((Map<?, ?>) a).get("name")).toList();
        assertEquals(List.of("stop web", "unchanged db", "restart api"), actions);
        assertEquals(before, running());
        assertTrue(((List<?>) daemon.session("api").get("argv")).get(2).toString().endsWith("exec sleep 61"));
    }

    @Test
    void heartbeatKeysBecomeTheRunOptions() throws Exception {
        Path f = file("beat.toml", """
                [[app]]
                name = "beating"
                argv = ["sleep", "60"]
                stall-after = "5s"
                start-timeout = "3s"
                on-stall = "restart"
                """);
        assertEquals(0, steward("apply", "-f", f.toString()).code());
        Map<String, Object> s = daemon.session("beating");
        assertEquals(5000, ((Number) s.get("stallAfterMs")).intValue());
        assertEquals(3000, ((Number) s.get("startTimeoutMs")).intValue());
        assertEquals("restart", s.get("onStall"));
    }

    @Test
    void aDependencyThatEndsBeforeItIsReadyStopsTheApplyThere() throws Exception {
        Path f = file("fail.toml", """
                [[app]]
                name = "db"
                cmd = "exit 3"
                notify = true
                restart = "never"

                [[app]]
                name = "api"
                cmd = "exec sleep 60"
                after = ["db"]
                """);
        Cli.Result r = steward("apply", "-f", f.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("steward: app \"api\" not started: \"db\" ended before it said READY=1;"), r.err());
        assertTrue(r.err().contains("(start db)"), r.err());
        assertFalse(running().containsKey("api"));
    }

    @Test
    void aFileWithoutAppsIsRefusedUnlessAllowEmptyIsGiven() throws Exception {
        assertEquals(0, steward("apply", "-f", file("steward.toml", THREE).toString()).code());
        Map<String, Long> before = running();
        Path empty = file("empty.toml", "# everything moved elsewhere\n");
        for (String[] args : List.of(new String[] {"apply", "-f", empty.toString()},
                new String[] {"apply", "-f", empty.toString(), "--dry-run"})) {
            Cli.Result r = steward(args);
            assertEquals(2, r.code(), r.err());
            assertEquals("steward: " + empty + ": no [[app]] in the file; applying it would stop every app applied"
                    + " before: give --allow-empty to mean that\n", r.err());
            assertEquals("", r.out());
            assertEquals(before, running(), "nothing stopped");
        }
        Cli.Result dry = steward("apply", "-f", empty.toString(), "--allow-empty", "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertEquals(before, running());

        Cli.Result r = steward("apply", "-f", empty.toString(), "--allow-empty");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("stop api", "stop db", "stop web", "started 0, restarted 0, stopped 3, unchanged 0"),
                r.out().lines().toList());
        assertEquals(Map.of(), running());
    }

    @Test
    void savedAppsComeBackAtBootInTheFilesOrderAndOnlyOnce() throws Exception {
        Path f = file("steward.toml", "[[app]]\nname = \"migrate\"\ncmd = \"exit 0\"\n\n" + THREE);
        assertEquals(0, steward("apply", "-f", f.toString()).code());
        Cli.poll("migrate done", () -> "exited".equals(daemon.session("migrate").get("phase")));
        Cli.Result saved = steward("save");
        assertEquals("saved 3 apps: db, api, web\n", saved.out(), "a job that is done is not meant to run");
        assertEquals(0, steward("daemon", "stop").code());

        Path log = tmp.resolve("boot.log");
        ProcessBuilder pb = Cli.builder("daemon", "run", "--resurrect").redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(daemon.env);
        Process boot = pb.start();
        try {
            Cli.poll("resurrect done", () -> {
                try {
                    return Files.readString(log).contains("steward: resurrect: ");
                } catch (IOException e) {
                    return false;
                }
            });
            String line = Files.readString(log).lines().filter(l -> l.startsWith("steward: resurrect: "))
                    .findFirst().orElseThrow();
            Map<String, Object> r = Json.parseObject(line.substring("steward: resurrect: ".length()));
            assertEquals(List.of("db", "api", "web"), r.get("started"), line);
            assertEquals(List.of(), r.get("failed"), line);
            List<Map<String, Object>> events = events();
            assertTrue(seq(events, "ready", "db") < seq(events, "started", "api"), "api starts once db is ready");
            assertTrue(seq(events, "ready", "api") < seq(events, "started", "web"), "web starts once api is ready");

            Cli.Result again = steward("resurrect");
            assertEquals(0, again.code(), again.err());
            assertEquals("started -; running db, api, web; stopped by you -\n", again.out());
            assertEquals(List.of("api", "db", "web"), List.copyOf(running().keySet()), "the job did not run again");
        } finally {
            try {
                daemon.client.daemon().stopDaemon(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                // it never came up
            }
            if (!boot.waitFor(30, TimeUnit.SECONDS)) {
                boot.destroyForcibly();
            }
        }
    }

    /** The environment of a live process. */
    private static Map<String, String> envOf(Number pid) throws IOException {
        Map<String, String> env = new TreeMap<>();
        for (String kv : Files.readString(Path.of("/proc", pid.toString(), "environ")).split("\0")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return env;
    }
}
