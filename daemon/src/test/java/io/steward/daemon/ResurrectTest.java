package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.steward.api.ResurrectResult;
import io.steward.api.SessionInfo;
import io.steward.api.StewardHome;
import io.steward.client.StewardClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
            Map<String, Long> before = new TreeMap<>();
            for (String name : List.of("api", "db", "worker")) {
                SessionInfo s = DaemonFixture.runOn(client, "name", name, "argv", List.of("sleep", "600"),
                        "restart", "on-failure", "env", Map.of("APP", name));
                before.put(name, s.pid());
            }
            client.sessions().stop("worker", Duration.ofSeconds(2), true);
            assertEquals(List.of("api", "db", "worker"), client.apps().save().saved());

            first.destroyForcibly();
            first.waitFor(10, TimeUnit.SECONDS);
            second = CrashRecoveryTest.daemon(home);
            CrashRecoveryTest.awaitHealthy(client);
            assertEquals(0, client.sessions().list(true, null).size(), "the new daemon starts with no session");

            ResurrectResult r = client.apps().resurrect();
            assertEquals(List.of("api", "db"), r.started());
            assertEquals(List.of("worker"), r.stopped());
            for (String name : List.of("api", "db")) {
                SessionInfo s = client.sessions().get(name);
                assertEquals(SessionInfo.Phase.RUNNING, s.phase());
                assertNotEquals(before.get(name), s.pid());
                assertEquals(List.of("sleep", "600"), s.argv());
            }
            ResurrectResult again = client.apps().resurrect();
            assertEquals(List.of(), again.started(), "idempotent");
            assertEquals(List.of("api", "db"), again.running());
            assertEquals(2, client.sessions().list(false, null).size());
        } finally {
            first.destroyForcibly();
            if (second != null) {
                try {
                    client.daemon().stopDaemon(Duration.ofSeconds(1));
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
