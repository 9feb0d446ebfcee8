package io.steward.daemon.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.steward.api.LockHolder;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import io.steward.daemon.Daemon;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state.db whose header is right but whose pages are damaged is found at open, in one line. */
class CorruptStateDbTest {
    @TempDir
    Path tmp;

    @Test
    void damagedPagesAreOneLineNamingTheFileAndTheHomeStaysFree() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("home"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        StewardHome home = new StewardHome(dir, dir.resolve("steward.sock"));
        try (Daemon d = Daemon.open(home)) {
            d.sessions().apps().started("app", java.util.Map.of("argv", java.util.List.of("true")), Apps.Source.RUN);
        }
        Path db = dir.resolve("state.db");
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            f.seek(4096); // page 2 on: the tables, past the header SQLite checks first
            f.write(garbage);
            f.write(garbage);
        }
        StewardException e = assertThrows(StewardException.class, () -> Daemon.open(home));
        assertEquals("state database " + db + " is corrupt (SQLITE_CORRUPT): move it aside and start again", e.getMessage());
        assertEquals(LockHolder.NONE, LockHolder.of(home.lock()), "a daemon that cannot start lets the home go");
    }
}
