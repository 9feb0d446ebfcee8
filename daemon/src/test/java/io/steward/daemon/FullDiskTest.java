package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.SessionEvent;
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
import java.util.Map;
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
                client.run(Json.object("name", "web", "argv", List.of("sleep", mark + "1")));
                String tree = (String) client.run(Json.object("argv",
                        List.of("sh", "-c", "sleep " + mark + "2 & exec sleep " + mark + "3"))).get("id");
                String reader = (String) client.run(Json.object("argv", List.of("sh", "-c", "read x; exit 3"))).get("id");
                DaemonFixture.poll("the trees up", () -> live(mark).size() == 3);

                disk.fill();

                Map<String, Object> web = client.stop("web", 1000, true);
                assertEquals("exited", web.get("phase"), web.toString());
                client.kill(tree);
                Map<String, Object> killed = client.await(tree, 20_000);
                assertEquals("KILL", killed.get("signal"), killed.toString());
                client.send(reader, "\n".getBytes(StandardCharsets.UTF_8), true);
                Map<String, Object> read = client.await(reader, 20_000);
                assertEquals(false, read.get("timedOut"), "an exit is not held up by its bookkeeping: " + read);
                assertEquals(3L, ((Number) read.get("exitCode")).longValue());
                DaemonFixture.poll("the stopped trees gone", () -> live(mark).isEmpty());

                StewardException e = assertThrows(StewardException.class, () -> client.run(Json.object("name", "late",
                        "argv", List.of("sh", "-c", "sleep " + mark + "4 & exec sleep " + mark + "5"))));
                assertEquals(ErrorCode.DISK_FULL, e.code(), e.getMessage());
                assertEquals("disk full: cannot record the start of 'sh' in " + dir.resolve("state.db")
                        + " (SQLITE_FULL); free space on its file system and try again", e.getMessage());
                // killed and reaped before the answer: the survivor got its SIGKILL, at most it is still dying
                DaemonFixture.poll("nothing of the refused start", () -> live(mark).isEmpty());
                assertTrue(client.list(true).stream().noneMatch(s -> "late".equals(s.get("name"))));
                assertTrue(metric(client, "steward_state_writes_pending") > 0);
                long failures = metric(client, "steward_state_write_failures_total");
                assertTrue(failures >= 3, "the stop, the kill's and the exits' writes: " + failures);

                disk.free();
                DaemonFixture.poll("the kept writes written", () -> metric(client, "steward_state_writes_pending") == 0);
                assertFalse(daemon.sessions().apps().find("web").running(), "the stop of web is recorded after all");
                assertTrue(daemon.sessions().apps().find("late") == null, "the refused start recorded nothing");
                client.stopDaemon(100);
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
                String id = (String) client.run(Json.object("restart", "always",
                        "argv", List.of("sh", "-c", "read x; exit 1", mark))).get("id");
                DaemonFixture.poll("the first run up", () -> live(mark).size() == 1);
                disk.fill();
                client.send(id, "\n".getBytes(StandardCharsets.UTF_8), false);

                Map<String, Object> end = client.await(id, 20_000);
                assertEquals(false, end.get("timedOut"), "the session ends when its restart cannot be recorded: " + end);
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
                client.stopDaemon(100);
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
