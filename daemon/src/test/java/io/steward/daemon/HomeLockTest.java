package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.DaemonEvent;
import io.steward.api.ErrorCode;
import io.steward.api.LockHolder;
import io.steward.api.SessionInfo;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import io.steward.client.StewardClient;
import io.steward.daemon.http.ApiServer;
import io.steward.daemon.session.Events;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One daemon per home: the second is refused before it reads the journal, so it ends nothing. */
class HomeLockTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondDaemonIsRefusedNamingTheHolderAndLeavesTheSessionsAlone() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("home"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        StewardHome home = new StewardHome(dir, dir.resolve("steward.sock"));
        long self = ProcessHandle.current().pid();
        try (Daemon first = Daemon.open(home); ApiServer server = ApiServer.start(first)) {
            StewardClient client = new StewardClient(home);
            SessionInfo s = DaemonFixture.runOn(client, "argv", List.of("sleep", "600"));
            Files.delete(home.socket()); // what used to let a second daemon in

            StewardException e = assertThrows(StewardException.class, () -> Daemon.open(home));
            assertEquals(ErrorCode.CONFLICT, e.code());
            assertEquals("the daemon with pid " + self + " holds " + home.lock()
                    + ": it owns this home, so this one exits and leaves its sessions alone", e.getMessage());
            assertEquals(self, LockHolder.of(home.lock()));

            SessionInfo after = client.sessions().get(s.id()); // waits for the socket to come back
            assertEquals(SessionInfo.Phase.RUNNING, after.phase());
            try (Events.Subscription sub = first.events().subscribe(0)) {
                Events.Published ev;
                while ((ev = sub.next(0, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
                    assertTrue(!(ev.event() instanceof DaemonEvent.LeftoverKilled), "nothing was taken for a leftover: " + ev);
                }
            }
        }
        assertEquals(LockHolder.NONE, LockHolder.of(home.lock()), "the lock goes with the daemon");
        try (Daemon next = Daemon.open(home)) {
            assertEquals(self, LockHolder.of(home.lock()));
        }
    }
}
