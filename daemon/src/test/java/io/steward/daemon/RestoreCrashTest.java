package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.steward.api.CheckpointInfo;
import io.steward.api.SessionInfo;
import io.steward.api.StewardHome;
import io.steward.client.StewardClient;
import io.steward.core.ProcStat;
import io.steward.daemon.state.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A restored tree is journaled as a started one is, under its new start time: a daemon SIGKILLed
 * after a restore leaves it running, and the next daemon ends it.
 */
class RestoreCrashTest {
    @Test
    void aRestoredTreeOfAKilledDaemonIsEndedByTheNext() throws Exception {
        assumeTrue(System.getenv("STEWARD_CRIU") != null,
                "no STEWARD_CRIU: .ci/run sets it to what bin/lib/criu-build prints");
        assumeTrue(io.steward.sys.Libc.getuid() == 0, "CRIU dumps and restores as root here");
        Path home = Files.createTempDirectory("steward-restore-crash", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        StewardClient client = new StewardClient(new StewardHome(home, home.resolve("steward.sock")));
        Process first = CrashRecoveryTest.daemon(home);
        Process second = null;
        List<ProcStat> restored = new ArrayList<>();
        try {
            CrashRecoveryTest.awaitHealthy(client);
            String id = DaemonFixture.runOn(client, "argv", List.of("sh", "-c", "sleep 600 & sleep 600 & wait")).id();
            DaemonFixture.poll("two children", () -> client.sessions().tree(id).processes().size() == 3);
            CheckpointInfo c = client.checkpoints().create(id, false, null, false);
            client.sessions().await(id, Duration.ofSeconds(20));
            SessionInfo back = client.checkpoints().restore(c.digest(), null);
            for (Long pid : c.pids()) {
                restored.add(ProcStat.read(pid.intValue()).orElseThrow());
            }
            ProcStat root = restored.getFirst();
            assertEquals(root.pid(), (int) back.pid());
            try (Journal j = new Journal(home.resolve("state.db"))) {
                assertTrue(j.entries().stream().anyMatch(e -> e.pid() == root.pid() && e.startTicks() == root.startTicks()),
                        "the restored root is journaled with its new start time");
            }
            first.destroyForcibly();
            assertTrue(first.waitFor(10, TimeUnit.SECONDS));
            assertTrue(restored.stream().allMatch(p -> ProcStat.isAlive(p.pid(), p.startTicks())),
                    "the restored tree outlives a SIGKILLed daemon until the next one starts");
            second = CrashRecoveryTest.daemon(home);
            CrashRecoveryTest.awaitHealthy(client);
            DaemonFixture.poll("no process of the restored tree",
                    () -> restored.stream().noneMatch(p -> ProcStat.isAlive(p.pid(), p.startTicks())));
        } finally {
            CrashRecoveryTest.stopDaemons(first, second);
            for (ProcStat p : restored) {
                if (ProcStat.isAlive(p.pid(), p.startTicks())) {
                    new ProcessBuilder("kill", "-9", Integer.toString(p.pid())).start().waitFor();
                }
            }
            CrashRecoveryTest.deleteHome(home);
        }
    }
}
