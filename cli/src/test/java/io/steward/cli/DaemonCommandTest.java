package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonCommandTest {
    @TempDir
    Path tmp;

    @Test
    void startStatusStop() throws Exception {
        Path home = tmp.resolve("home");
        Map<String, String> env = Map.of("STEWARD_HOME", home.toString());
        Cli.Result none = Cli.runWith(env, null, "daemon", "status");
        assertEquals(4, none.code(), none.err());
        assertEquals(1, none.err().lines().count(), none.err());
        Long pid = null;
        try {
            Cli.Result started = Cli.runWith(env, null, "daemon", "start", "--json");
            assertEquals(0, started.code(), started.err());
            pid = ((Number) Json.parseObject(started.out()).get("pid")).longValue();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
            Cli.Result again = Cli.runWith(env, null, "daemon", "start", "--json");
            assertEquals(pid, ((Number) Json.parseObject(again.out()).get("pid")).longValue(), "one daemon per home");
            Cli.Result status = Cli.runWith(env, null, "daemon", "status", "--json");
            assertEquals("ok", Json.parseObject(status.out()).get("status"));
            Cli.Result stop = Cli.runWith(env, null, "daemon", "stop", "--grace", "1s");
            assertEquals(0, stop.code(), stop.err());
            long daemonPid = pid;
            Cli.poll("daemon gone", () -> ProcessHandle.of(daemonPid).map(h -> !h.isAlive()).orElse(true));
            assertEquals(4, Cli.runWith(env, null, "daemon", "status").code());
        } finally {
            if (pid != null) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void aHomeWithWiderModesIsRefusedInOneLine() throws Exception {
        Path home = Files.createDirectory(tmp.resolve("wide"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Cli.Result r = Cli.runWith(Map.of("STEWARD_HOME", home.toString()), null, "daemon", "start");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("steward: refusing STEWARD_HOME") && r.err().contains("0700"), r.err());
        assertEquals(1, r.err().lines().count());
    }
}
