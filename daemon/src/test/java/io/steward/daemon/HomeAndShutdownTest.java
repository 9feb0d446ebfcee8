package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.SessionInfo;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import io.steward.client.StewardClient;
import io.steward.core.ProcStat;
import io.steward.daemon.http.ApiServer;
import io.steward.daemon.supervision.Reaper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeAndShutdownTest {
    @TempDir
    Path tmp;

    private StewardHome home(Path dir) {
        return new StewardHome(dir, dir.resolve("steward.sock"));
    }

    @Test
    void aNewHomeIsCreatedOwnerOnly() throws Exception {
        Path dir = tmp.resolve("new/state");
        try (Daemon d = Daemon.open(home(dir))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state.db"))));
        }
    }

    @Test
    void widerModesAndSymlinksAreRefused() throws Exception {
        Path wide = Files.createDirectory(tmp.resolve("wide"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        StewardException e = assertThrows(StewardException.class, () -> Daemon.open(home(wide)));
        assertEquals(ErrorCode.FORBIDDEN, e.code());
        assertTrue(e.getMessage().contains("0700"), e.getMessage());
        assertTrue(Files.list(wide).findAny().isEmpty(), "nothing written to a refused home");
        Path real = Files.createDirectory(tmp.resolve("real"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertEquals(ErrorCode.FORBIDDEN, assertThrows(StewardException.class, () -> Daemon.open(home(link))).code());
    }

    @Test
    void quotaRefusesBeyondTheLimit() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("q"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        try (Daemon d = Daemon.open(home(dir), 2, Reaper.TICK); ApiServer s = ApiServer.start(d)) {
            StewardClient c = new StewardClient(home(dir));
            DaemonFixture.runOn(c, "argv", List.of("sleep", "600"));
            DaemonFixture.runOn(c, "argv", List.of("sleep", "600"));
            StewardException e = assertThrows(StewardException.class, () -> DaemonFixture.runOn(c, "argv", List.of("true")));
            assertEquals(ErrorCode.QUOTA, e.code());
            assertEquals(2, c.sessions().list(true, null).size());
        }
    }

    @Test
    void daemonStopEndsEverySessionTree() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("d"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Daemon d = Daemon.open(home(dir));
        ApiServer s = ApiServer.start(d);
        StewardClient c = new StewardClient(home(dir));
        SessionInfo a = DaemonFixture.runOn(c, "argv", List.of("sh", "-c", "( setsid sleep 605 & ) ; exec sleep 606"));
        SessionInfo b = DaemonFixture.runOn(c, "argv", List.of("sh", "-c", "trap '' TERM; while :; do sleep 1; done"));
        DaemonFixture.poll("escapee up", () -> ProcStat.all().stream().anyMatch(p -> ProcStat.cmdline(p.pid()).equals(List.of("sleep", "605"))));
        c.daemon().stopDaemon(Duration.ofMillis(300));
        d.awaitStop();
        s.close();
        d.close();
        long pa = a.pid();
        long pb = b.pid();
        DaemonFixture.poll("all gone", () -> ProcStat.all().stream().noneMatch(p -> !p.zombie()
                && (p.pid() == pa || p.pid() == pb || ProcStat.cmdline(p.pid()).equals(List.of("sleep", "605")))));
    }
}
