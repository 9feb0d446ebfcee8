package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.SessionEvent;
import io.steward.api.SessionInfo;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import io.steward.client.StewardClient;
import io.steward.core.ProcStat;
import io.steward.daemon.http.ApiServer;
import io.steward.daemon.session.Events;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STEWARD_HOME on a full file system: stopping and killing never depend on the bookkeeping, which
 * is kept and written once there is room; a start that cannot be journaled leaves nothing running.
 */
class FullDiskTest {
    @TempDir
    Path tmp;

    @Test
    void stopsKillsAndExitsGoOnAndAnUnjournaledStartIsKilledWholeBeforeTheError() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(tmp.resolve("fs"), "4m")) {
            Path dir = Files.createDirectory(disk.dir().resolve("home"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            StewardHome home = new StewardHome(dir, dir.resolve("steward.sock"));
            String mark = "63" + (UUID.randomUUID().getMostSignificantBits() & 0xffff);
            try (Daemon daemon = Daemon.open(home, Daemon.DEFAULT_QUOTA, Duration.ofMillis(100));
                    ApiServer server = ApiServer.start(daemon)) {
                StewardClient client = new StewardClient(home);
                DaemonFixture.runOn(client, "name", "web", "argv", List.of("sleep", mark + "1"));
                String tree = DaemonFixture.runOn(client, "argv",
                        List.of("sh", "-c", "sleep " + mark + "2 & exec sleep " + mark + "3")).id();
                String reader = DaemonFixture.runOn(client, "argv", List.of("sh", "-c", "read x; exit 3")).id();
                DaemonFixture.poll("the trees up", () -> live(mark).size() == 3);

                disk.fill();

                SessionInfo web = client.sessions().stop("web", Duration.ofSeconds(1), true);
                assertEquals(SessionInfo.Phase.EXITED, web.phase(), web.toString());
                client.sessions().kill(tree);
                SessionInfo killed = client.sessions().await(tree, Duration.ofSeconds(20));
                assertEquals("KILL", killed.signal(), killed.toString());
                client.sessions().send(reader, "\n".getBytes(StandardCharsets.UTF_8), true);
                SessionInfo read = client.sessions().await(reader, Duration.ofSeconds(20));
                assertEquals(false, read.timedOut(), "an exit is not held up by its bookkeeping: " + read);
                assertEquals(3, read.exitCode());
                DaemonFixture.poll("the stopped trees gone", () -> live(mark).isEmpty());

                StewardException e = assertThrows(StewardException.class, () -> DaemonFixture.runOn(client, "name", "late",
                        "argv", List.of("sh", "-c", "sleep " + mark + "4 & exec sleep " + mark + "5")));
                assertEquals(ErrorCode.DISK_FULL, e.code(), e.getMessage());
                assertEquals("disk full: cannot record the start of 'sh' in " + dir.resolve("state.db")
                        + " (SQLITE_FULL); free space on its file system and try again", e.getMessage());
                // killed and reaped before the answer: the survivor got its SIGKILL, at most it is still dying
                DaemonFixture.poll("nothing of the refused start", () -> live(mark).isEmpty());
                assertTrue(client.sessions().list(true, null).stream().noneMatch(s -> "late".equals(s.name())));
                assertTrue(metric(client, "steward_state_writes_pending") > 0);
                long failures = metric(client, "steward_state_write_failures_total");
                assertTrue(failures >= 3, "the stop, the kill's and the exits' writes: " + failures);

                disk.free();
                DaemonFixture.poll("the kept writes written", () -> metric(client, "steward_state_writes_pending") == 0);
                assertFalse(daemon.sessions().apps().find("web").running(), "the stop of web is recorded after all");
                assertTrue(daemon.sessions().apps().find("late") == null, "the refused start recorded nothing");
                client.daemon().stopDaemon(Duration.ofMillis(100));
                daemon.awaitStop();
            }
            assertTrue(live(mark).isEmpty());
        }
    }

    @Test
    void aRestartThatCannotBeJournaledIsKilledAndTheSessionEnds() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(tmp.resolve("fs"), "4m")) {
            Path dir = Files.createDirectory(disk.dir().resolve("home"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            StewardHome home = new StewardHome(dir, dir.resolve("steward.sock"));
            String mark = "66" + (UUID.randomUUID().getMostSignificantBits() & 0xffff);
            try (Daemon daemon = Daemon.open(home, Daemon.DEFAULT_QUOTA, Duration.ofMillis(100));
                    ApiServer server = ApiServer.start(daemon)) {
                StewardClient client = new StewardClient(home);
                String id = DaemonFixture.runOn(client, "restart", "always",
                        "argv", List.of("sh", "-c", "read x; exit 1", mark)).id();
                DaemonFixture.poll("the first run up", () -> live(mark).size() == 1);
                disk.fill();
                client.sessions().send(id, "\n".getBytes(StandardCharsets.UTF_8), false);

                SessionInfo end = client.sessions().await(id, Duration.ofSeconds(20));
                assertEquals(false, end.timedOut(), "the session ends when its restart cannot be recorded: " + end);
                DaemonFixture.poll("nothing of the unrecorded restart", () -> live(mark).isEmpty());
                SessionEvent.RestartFailed failed = null;
                try (Events.Subscription sub = daemon.events().subscribe(0)) {
                    for (Events.Published e; (e = sub.next(0, java.util.concurrent.TimeUnit.MILLISECONDS)) != null; ) {
                        if (e.event() instanceof SessionEvent.RestartFailed f) {
                            failed = f;
                        }
                    }
                }
                assertTrue(failed != null && failed.error().startsWith("disk full: "), String.valueOf(failed));
                disk.free();
                client.daemon().stopDaemon(Duration.ofMillis(100));
                daemon.awaitStop();
            }
        }
    }

    /** Live (not zombie) processes whose argv holds {@code mark}. */
    static List<Integer> live(String mark) {
        return ProcStat.all().stream().filter(p -> !p.zombie())
                .filter(p -> String.join(" ", ProcStat.cmdline(p.pid())).contains(mark))
                .map(ProcStat::pid).toList();
    }

    static long metric(StewardClient client, String sample) {
        String text = new String(client.raw("GET", "/metrics", null, null).body(), StandardCharsets.UTF_8);
        return text.lines().filter(l -> l.startsWith(sample + " ")).mapToLong(l -> Long.parseLong(l.substring(sample.length() + 1).trim()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + sample));
    }
}
