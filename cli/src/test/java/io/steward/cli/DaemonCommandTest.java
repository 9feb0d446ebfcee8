package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonCommandTest {
    @TempDir
    Path tmp;

    @Test
    void startStatusStop() throws Exception {
        Path home = tmp.resolve("home");
        Map<String, String> env = Map.of("STEWARD_HOME", home.toString());
        Cli.Result none = Cli.runWith(env, null, "daemon", "status");
        assertEquals(4, none.code(), none.err());
        assertEquals(1, none.err().lines().count(), none.err());
        Long pid = null;
        try {
            Cli.Result started = Cli.runWith(env, null, "daemon", "start", "--json");
            assertEquals(0, started.code(), started.err());
            pid = ((Number) Json.parseObject(started.out()).get("pid")).longValue();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
            Cli.Result again = Cli.runWith(env, null, "daemon", "start", "--json");
            assertEquals(pid, ((Number) Json.parseObject(again.out()).get("pid")).longValue(), "one daemon per home");
            Cli.Result status = Cli.runWith(env, null, "daemon", "status", "--json");
            assertEquals("ok", Json.parseObject(status.out()).get("status"));
            Cli.Result stop = Cli.runWith(env, null, "daemon", "stop", "--grace", "1s");
            assertEquals(0, stop.code(), stop.err());
            long daemonPid = pid;
            Cli.poll("daemon gone", () -> ProcessHandle.of(daemonPid).map(h -> !h.isAlive()).orElse(true));
            assertEquals(4, Cli.runWith(env, null, "daemon", "status").code());
        } finally {
            if (pid != null) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * bin/steward grants native access and the sun.nio.ch export in the jar's manifest, which the
     * daemon, started with -cp, does not read: the CLI must give them to it on its command line.
     */
    @Test
    void aDaemonStartedByACliWithoutAccessFlagsHasThem() throws Exception {
        Path home = tmp.resolve("home");
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "daemon", "start", "--json")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(tmp.resolve("err").toFile()).redirectOutput(tmp.resolve("out").toFile());
        pb.environment().put("STEWARD_HOME", home.toString());
        Long pid = null;
        try {
            assertEquals(0, pb.start().waitFor(), () -> read(tmp.resolve("err")));
            pid = ((Number) Json.parseObject(read(tmp.resolve("out"))).get("pid")).longValue();
            String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
            assertTrue(cmdline.contains("--enable-native-access=ALL-UNNAMED") && cmdline.contains("java.base/sun.nio.ch=ALL-UNNAMED"),
                    cmdline);
            Map<String, String> env = Map.of("STEWARD_HOME", home.toString());
            Cli.Result run = Cli.runWith(env, null, "run", "--", "echo", "native");
            assertEquals(0, run.code(), run.err());
            assertEquals(0, Cli.runWith(env, null, "wait", run.out().strip()).code());
            assertEquals("native\n", Cli.runWith(env, null, "logs", run.out().strip()).out());
            assertEquals(0, Cli.runWith(env, null, "daemon", "stop").code());
            long daemonPid = pid;
            Cli.poll("daemon gone", () -> ProcessHandle.of(daemonPid).map(h -> !h.isAlive()).orElse(true));
            String log = read(home.resolve("daemon.log"));
            assertTrue(!log.contains("WARNING"), "the daemon ran without access warnings: " + log);
        } finally {
            if (pid != null) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** {@code daemon run --json}: one JSON document on stdout once it listens, for whatever supervises steward. */
    @Test
    void daemonRunSaysOnStdoutWhenItListens() throws Exception {
        Path home = tmp.resolve("home");
        ProcessBuilder pb = Cli.builder("daemon", "run", "--json").redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(tmp.resolve("err").toFile());
        pb.environment().put("STEWARD_HOME", home.toString());
        Process p = pb.start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            Map<String, Object> health = Json.parseObject(out.readLine());
            assertEquals("ok", health.get("status"));
            assertEquals(p.pid(), ((Number) health.get("pid")).longValue());
            assertEquals(home.toString(), health.get("home"));
            Cli.Result status = Cli.runWith(Map.of("STEWARD_HOME", home.toString()), null, "daemon", "status");
            assertEquals(0, status.code(), "it answers once it has said so: " + status.err());
            assertEquals(0, Cli.runWith(Map.of("STEWARD_HOME", home.toString()), null, "daemon", "stop").code());
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the daemon ended");
            assertEquals(null, out.readLine(), "one document, then nothing");
        } finally {
            p.destroyForcibly();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void aHomeWithWiderModesIsRefusedInOneLine() throws Exception {
        Path home = Files.createDirectory(tmp.resolve("wide"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Cli.Result r = Cli.runWith(Map.of("STEWARD_HOME", home.toString()), null, "daemon", "start");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("steward: refusing STEWARD_HOME") && r.err().contains("0700"), r.err());
        assertEquals(1, r.err().lines().count());
    }
}
