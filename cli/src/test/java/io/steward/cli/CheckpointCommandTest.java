package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint verbs against a daemon whose CRIU fails as Debian 12's 3.17 does on kernels since
 * 6.13: that CRIU itself where it is installed (CI installs it), else a script that fails the same
 * way, so what a host without a working CRIU sees is tested everywhere.
 */
class CheckpointCommandTest {
    /** {@code criu --version} says 3.17.1; anything else fails with the vDSO line. */
    private static final String FAILING_CRIU = """
            #!/bin/sh
            if [ "$1" = "--version" ]; then
              echo 'Version: 3.17.1'
              exit 0
            fi
            echo 'Error (criu/vdso.c:627): vdso: Unexpected rt vDSO area bounds' >&2
            exit 1
            """;

    @TempDir
    Path tmp;

    private RunningDaemon daemon;

    private static final Path DEBIAN_CRIU = Path.of("/usr/sbin/criu");

    /** A daemon in a home of its own that runs a failing CRIU: Debian's 3.17 if here, else the script. */
    @BeforeEach
    void startDaemon() throws Exception {
        Path criu = DEBIAN_CRIU;
        if (!Files.isExecutable(criu) || !io.steward.core.CriuProbe.version(criu).startsWith("3.")) {
            criu = Files.writeString(tmp.resolve("criu"), FAILING_CRIU);
            Files.setPosixFilePermissions(criu, PosixFilePermissions.fromString("rwx------"));
        }
        daemon = RunningDaemon.start(tmp.resolve("home"), Map.of("STEWARD_CRIU", criu.toString(), "NO_COLOR", "1"));
    }

    @AfterEach
    void stopDaemon() throws Exception {
        daemon.close();
    }

    private Cli.Result steward(String... args) throws Exception {
        return Cli.runWith(daemon.env, null, args);
    }

    private String ok(String... args) throws Exception {
        Cli.Result r = steward(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
        return r.out();
    }

    /** The one line a refused command says on stderr, with the exit code it must have. */
    private String refused(int code, String... args) throws Exception {
        Cli.Result r = steward(args);
        assertEquals(code, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("steward: "), r.err());
        return r.err();
    }

    @Test
    void anEmptyStoreListsTheHeaderAndItsTotal() throws Exception {
        List<String> lines = ok("checkpoints").lines().toList();
        assertEquals(List.of("TAG", "DIGEST", "SESSION", "KIND", "STORED", "UNIQUE", "CREATED"),
                List.of(lines.getFirst().split("\\s+")));
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("store: 0B on disk in 0 blobs", lines.getLast());
        Map<String, Object> json = Json.parseObject(ok("checkpoints", "--json"));
        assertEquals(List.of(), json.get("checkpoints"));
        assertTrue(ok("gc").matches("removed 0 blobs, freed 0B; the store holds \\S+\n"));
    }

    @Test
    void aCriuThatCannotDumpHereIsUnsupportedWithItsReason() throws Exception {
        ok("run", "--name", "counter", "--", "sleep", "60");
        String caps = ok("caps");
        assertTrue(caps.lines().anyMatch(l -> l.startsWith("checkpoint") && l.contains("vDSO")), caps);
        String err = refused(5, "checkpoint", "counter", "--name", "before");
        assertTrue(err.contains("vDSO"), err);
        assertTrue(ok("status", "counter").contains("state      running"), "a refused checkpoint leaves the tree running");
        assertEquals(2, ok("checkpoints").lines().count(), "nothing was stored");
    }

    @Test
    void recordUnsupportedStoresWhyAndStillRefuses() throws Exception {
        ok("run", "--name", "counter", "--", "sleep", "60");
        String err = refused(5, "checkpoint", "counter", "--name", "why", "--record-unsupported");
        Matcher recorded = Pattern.compile("vDSO.*\\(recorded as (sha256:[0-9a-f]{64})\\)\n").matcher(err);
        assertTrue(recorded.find(), err);
        String digest = recorded.group(1);
        List<String> rows = ok("checkpoints").lines().toList();
        assertEquals(3, rows.size(), rows.toString());
        assertTrue(rows.get(1).matches("why +" + digest.substring(7, 19) + " +counter +unsupported +\\S+ +\\S+ +\\S+ \\S+"),
                rows.toString());
        assertTrue(rows.get(2).matches("store: \\S+ on disk in [1-9]\\d* blobs?"), rows.toString());
        Map<String, Object> info = Json.parseObject(ok("checkpoints", "--json"));
        assertEquals(digest, ((Map<?, ?>) ((List<?>) info.get("checkpoints")).getFirst()).get("digest"));
        assertTrue(refused(5, "restore", "why").contains("vDSO"), "a record of why is no image to restore");

        String removed = ok("checkpoint", "rm", "why");
        assertTrue(removed.startsWith("removed why (sha256:" + digest.substring(7, 19) + ")"), removed);
        assertTrue(removed.contains("'steward gc'"), removed);
        assertTrue(ok("gc").matches("removed [1-9]\\d* blobs?, freed \\S+; the store holds 0B\n"));
        refused(3, "checkpoint", "rm", "why");
    }

    @Test
    void anUnknownCheckpointIsNotFound() throws Exception {
        refused(3, "restore", "nosuch");
        refused(3, "restore", "0123456789abcdef");
        refused(3, "checkpoint", "rm", "nosuch");
        refused(3, "checkpoint", "nosuch");
        String shape = refused(2, "restore", "a/b");
        assertTrue(shape.startsWith("steward: invalid checkpoint reference 'a/b'"), shape);
    }

    @Test
    void aVerbOfCheckpointThatIsNoneGetsTheNearest() throws Exception {
        assertEquals("steward: unknown command 'checkpoint rn'; did you mean 'checkpoint rm'?\n",
                refused(2, "checkpoint", "rn", "x"));
        refused(2, "checkpoint");
    }
}
