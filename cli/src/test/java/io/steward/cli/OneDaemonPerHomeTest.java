package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import io.steward.sys.FileLock;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One daemon per home, held by a lock for its life: concurrent starts, a start after the socket
 * file was deleted, and a second daemon all leave the one daemon and its sessions alone.
 */
class OneDaemonPerHomeTest {
    @TempDir
    Path tmp;

    /** Live daemons ({@code daemon run}) whose STEWARD_HOME is {@code home}. */
    private static List<Long> daemons(Path home) {
        return ProcessHandle.allProcesses().map(ProcessHandle::pid)
                .filter(pid -> Cli.cmdline(pid).contains(" daemon run"))
                .filter(pid -> environ(pid).contains("STEWARD_HOME=" + home + "\0"))
                .filter(pid -> !Cli.isZombie(pid))
                .toList();
    }

    private static String environ(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Runs {@code steward daemon start --json} twice at once; returns the pid each reported. */
    private static List<Long> twoStartsAtOnce(Map<String, String> env, Path out) throws Exception {
        List<Process> starts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ProcessBuilder pb = Cli.builder("daemon", "start", "--json").redirectOutput(out.resolve("out" + i).toFile())
                    .redirectError(out.resolve("err" + i).toFile()).redirectInput(new File("/dev/null"));
            pb.environment().putAll(env);
            starts.add(pb.start());
        }
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Process p = starts.get(i);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), Files.readString(out.resolve("err" + i)));
            pids.add(((Number) Json.parseObject(Files.readString(out.resolve("out" + i))).get("pid")).longValue());
        }
        return pids;
    }

    @Test
    void concurrentStartsEvenWithoutTheSocketFileLeaveOneDaemonAndItsSessions() throws Exception {
        Path home = tmp.resolve("home");
        Map<String, String> env = Map.of("STEWARD_HOME", home.toString());
        List<Long> pids = twoStartsAtOnce(env, Files.createDirectory(tmp.resolve("first")));
        long pid = pids.getFirst();
        try {
            assertEquals(List.of(pid, pid), pids, "both starts report the one daemon");
            Cli.poll("one daemon for the home", () -> daemons(home).equals(List.of(pid)));
            String mark = "64" + (UUID.randomUUID().getMostSignificantBits() & 0xffff);
            Cli.Result run = Cli.runWith(env, null, "run", "--name", "nap", "--", "sleep", mark);
            assertEquals(0, run.code(), run.err());

            Files.delete(home.resolve("steward.sock"));
            assertEquals(List.of(pid, pid), twoStartsAtOnce(env, Files.createDirectory(tmp.resolve("second"))),
                    "a start without the socket file reaches the daemon that holds the home");
            assertEquals(List.of(pid), daemons(home));
            assertEquals(1, Cli.withMarker(mark).size(), "the session's process is untouched");
            Cli.Result ls = Cli.runWith(env, null, "ls", "--json");
            assertTrue(ls.out().contains("\"name\":\"nap\"") && ls.out().contains("\"phase\":\"running\""), ls.out());
        } finally {
            Cli.runWith(env, null, "daemon", "stop", "--grace", "1s");
            // whatever else claimed the home (a test that failed) goes too
            daemons(home).forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
            Cli.poll("no daemon of the home", () -> daemons(home).isEmpty());
        }
    }

    @Test
    void aSecondDaemonNamesTheHolderAndExitsAndACommandReachesTheFirstWithoutItsSocketFile() throws Exception {
        try (RunningDaemon first = RunningDaemon.start(tmp.resolve("home"))) {
            String mark = "65" + (UUID.randomUUID().getMostSignificantBits() & 0xffff);
            String id = first.run("argv", List.of("sleep", mark));
            Files.delete(first.home.resolve("steward.sock"));

            Cli.Result second = Cli.runWith(first.env, null, "daemon", "run");
            assertEquals(1, second.code(), second.err());
            assertEquals(1, second.err().lines().count(), second.err());
            assertTrue(second.err().contains("pid " + first.pid() + ")") || second.err().contains("pid " + first.pid() + " "),
                    second.err());
            assertEquals(1, Cli.withMarker(mark).size(), "the first daemon's session is untouched");

            Files.deleteIfExists(first.home.resolve("steward.sock"));
            Cli.Result status = Cli.runWith(first.env, null, "status", id, "--json");
            assertEquals(0, status.code(), status.err());
            assertEquals("running", Json.parseObject(status.out()).get("phase"));
            Cli.Result health = Cli.runWith(first.env, null, "daemon", "status", "--json");
            assertEquals(first.pid(), ((Number) Json.parseObject(health.out()).get("pid")).longValue());
        }
    }

    @Test
    void aLockHolderThatDoesNotAnswerIsNamedAndNoDaemonIsStarted() throws Exception {
        Path home = Files.createDirectory(tmp.resolve("home"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (FileLock held = FileLock.tryExclusive(home.resolve("daemon.lock")).orElseThrow()) {
            Cli.Result r = Cli.runWith(Map.of("STEWARD_HOME", home.toString()), null, "run", "--", "true");
            assertEquals(List.of(), daemons(home));
            assertEquals(4, r.code(), r.err());
            assertEquals("steward: the daemon holding " + home.resolve("daemon.lock") + " (pid "
                    + ProcessHandle.current().pid() + ") does not answer on " + home.resolve("steward.sock")
                    + " within 10s; no other daemon may start while it holds the lock\n", r.err());
        } finally {
            daemons(home).forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
        }
    }
}
