package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.steward.api.CapabilityMatrix;
import io.steward.api.Json;
import io.steward.sys.Libc;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The capability matrix tells the truth where the daemon runs, and the fallbacks work there: as
 * root (the other tests), as an unprivileged user (no fanotify marks: file is partial), and inside
 * a PID namespace (the proc connector reports nothing: process falls back to polling /proc). In
 * each, a session's {@code env -i setsid -f} escapee is listed in its tree and ended by a stop.
 */
class ConfinedCapabilitiesTest {
    private static Path classes;

    /** This build's classes and jars where nobody may read them (the dependency cache is root's). */
    @BeforeAll
    static void copyClassPath() throws Exception {
        assumeTrue(Libc.getuid() == 0, "needs root to run a daemon as another user and in a new PID namespace");
        classes = Files.createTempDirectory("steward-cp", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(entry);
            Path to = classes.resolve(n++ + "-" + from.getFileName());
            if (Files.isDirectory(from)) {
                new ProcessBuilder("cp", "-r", from.toString(), to.toString()).inheritIO().start().waitFor();
            } else if (Files.exists(from)) {
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        new ProcessBuilder("chmod", "-R", "a+rX", classes.toString()).inheritIO().start().waitFor();
    }

    @AfterAll
    static void removeClassPath() throws Exception {
        if (classes != null) {
            new ProcessBuilder("rm", "-rf", classes.toString()).start().waitFor();
        }
    }

    private static List<Map<String, Object>> confined(String... prefix) throws Exception {
        List<String> cp = new ArrayList<>();
        try (var entries = Files.list(classes)) {
            entries.sorted().forEach(e -> cp.add(e.toString()));
        }
        List<String> command = new ArrayList<>(List.of(prefix));
        command.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", String.join(File.pathSeparator, cp), ConfinedDaemonMain.class.getName(),
                "8" + (System.nanoTime() % 100_000)));
        Process p = new ProcessBuilder(command).redirectInput(new File("/dev/null")).start();
        byte[] err = p.getErrorStream().readAllBytes();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out + new String(err));
        return out.lines().filter(l -> l.startsWith("{")).map(Json::parseObject).toList();
    }

    private static CapabilityMatrix.Capability row(List<Map<String, Object>> out, String category) {
        return CapabilityMatrix.fromJson(out.getFirst()).capabilities().stream()
                .filter(c -> c.category().equals(category)).findFirst().orElseThrow();
    }

    private static void escapeeListedAndEnded(List<Map<String, Object>> out) {
        assertEquals(Boolean.TRUE, out.get(1).get("listed"), out.toString());
        assertEquals(Boolean.TRUE, out.get(1).get("gone"), out.toString());
        assertEquals(0L, out.get(1).get("ports"), "a sleep holds no socket, and ports answers: " + out);
    }

    @Test
    void asAnUnprivilegedUserFilesArePartialAndTheRestHolds() throws Exception {
        List<Map<String, Object>> out = confined("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "env", "HOME=/tmp", "TMPDIR=/tmp");
        CapabilityMatrix.Capability file = row(out, "file");
        assertEquals(CapabilityMatrix.Support.PARTIAL, file.support(), file.toString());
        assertEquals("/proc-io", file.backend());
        assertTrue(file.reason().contains("CAP_SYS_ADMIN") && file.reason().contains("EPERM"), file.reason());
        // Since Linux 6.6 the proc connector serves anyone.
        assertEquals(CapabilityMatrix.Support.SUPPORTED, row(out, "process").support(), row(out, "process").reason());
        assertEquals(CapabilityMatrix.Support.PARTIAL, row(out, "network").support());
        assertEquals(CapabilityMatrix.Support.SUPPORTED, row(out, "lifecycle").support());
        escapeeListedAndEnded(out);
    }

    @Test
    void inAPidNamespaceProcessesArePolledAndTheEscapeeStillEnds() throws Exception {
        List<Map<String, Object>> out = confined("unshare", "-fp", "--mount-proc");
        CapabilityMatrix.Capability process = row(out, "process");
        assertEquals(CapabilityMatrix.Support.PARTIAL, process.support(), process.reason());
        assertEquals("proc-poll", process.backend());
        assertTrue(process.reason().contains("namespace"), process.reason());
        assertEquals(CapabilityMatrix.Support.SUPPORTED, row(out, "lifecycle").support());
        escapeeListedAndEnded(out);
    }
}
