package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state.db of garbage: the daemon says which file and what to do, in one line, and does not start. */
class CorruptStateTest {
    @TempDir
    Path tmp;

    @Test
    void aGarbageStateDatabaseIsOneLineNamingItAndNoDaemon() throws Exception {
        Path home = Files.createDirectory(tmp.resolve("home"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path db = home.resolve("state.db");
        byte[] garbage = new byte[16384];
        new Random(11).nextBytes(garbage);
        Files.write(db, garbage);
        Map<String, String> env = Map.of("STEWARD_HOME", home.toString());
        String line = "steward: state database " + db + " is corrupt (SQLITE_NOTADB): move it aside and start again";

        Cli.Result run = Cli.runWith(env, null, "daemon", "run");
        assertEquals(1, run.code(), run.err());
        assertEquals(line + "\n", run.err());

        // a command that starts the daemon passes the daemon's line on, with where its log is
        Cli.Result start = Cli.runWith(env, null, "run", "--", "true");
        assertEquals(4, start.code(), start.err());
        assertEquals(1, start.err().lines().count(), start.err());
        assertEquals(true, start.err().contains(line.substring("steward: ".length())), start.err());
        assertEquals(java.util.Arrays.hashCode(garbage), java.util.Arrays.hashCode(Files.readAllBytes(db)),
                "the file is left as it was, for whoever looks into it");
    }
}
