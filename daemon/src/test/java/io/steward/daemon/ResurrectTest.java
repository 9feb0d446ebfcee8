package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.steward.api.Json;
import io.steward.api.StewardHome;
import io.steward.client.StewardClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** save, a SIGKILLed daemon, a new one, resurrect: the apps meant to run run again; the stopped one does not. */
class ResurrectTest {
    @Test
    void savedAppsComeBackAfterADaemonCrashExceptTheOneAUserStopped() throws Exception {
        Path home = Files.createTempDirectory("steward-resurrect", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        StewardClient client = new StewardClient(new StewardHome(home, home.resolve("steward.sock")));
        Process first = CrashRecoveryTest.daemon(home);
        Process second = null;
        try {
            CrashRecoveryTest.awaitHealthy(client);
            Map<String, Integer> before = new TreeMap<>();
            for (String name : List.of("api", "db", "worker")) {
                Map<String, Object> s = client.run(Json.object("name", name, "argv", List.of("sleep", "600"),
                        "restart", "on-failure", "env", Map.of("APP", name)));
                before.put(name, ((Number) s.get("pid")).intValue());
            }
            client.stop("worker", 2000, true);
            assertEquals(List.of("api", "db", "worker"), client.save().get("saved"));

            first.destroyForcibly();
            first.waitFor(10, TimeUnit.SECONDS);
            second = CrashRecoveryTest.daemon(home);
            CrashRecoveryTest.awaitHealthy(client);
            assertEquals(0, client.list(true).size(), "the new daemon starts with no session");

            Map<String, Object> r = client.resurrect();
            assertEquals(List.of("api", "db"), r.get("started"));
            assertEquals(List.of("worker"), r.get("stopped"));
            for (String name : List.of("api", "db")) {
                Map<String, Object> s = client.session(name);
                assertEquals("running", s.get("phase"));
                assertNotEquals(before.get(name), ((Number) s.get("pid")).intValue());
                assertEquals(List.of("sleep", "600"), s.get("argv"));
            }
            Map<String, Object> again = client.resurrect();
            assertEquals(List.of(), again.get("started"), "idempotent");
            assertEquals(List.of("api", "db"), again.get("running"));
            assertEquals(2, client.list(false).size());
        } finally {
            first.destroyForcibly();
            if (second != null) {
                try {
                    client.stopDaemon(1000);
                } catch (RuntimeException ignored) {
                    // already gone
                }
                second.waitFor(20, TimeUnit.SECONDS);
                second.destroyForcibly();
            }
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
