package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.StewardHome;
import io.steward.client.DaemonUnreachableException;
import io.steward.client.StewardClient;
import io.steward.core.ProcStat;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The daemon in its own JVM, killed with SIGKILL: the next daemon ends what the first left running. */
class CrashRecoveryTest {
    static Process daemon(Path home) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), DaemonMain.class.getName());
        pb.environment().put("STEWARD_HOME", home.toString());
        pb.redirectErrorStream(true).redirectOutput(home.resolve("daemon.out").toFile())
                .redirectInput(new File("/dev/null"));
        return pb.start();
    }

    static void awaitHealthy(StewardClient client) {
        DaemonFixture.poll("daemon answering", () -> {
            try {
                client.daemon().health();
                return true;
            } catch (DaemonUnreachableException e) {
                return false;
            }
        });
    }

    @Test
    void leftoverTreesOfAKilledDaemonAreEndedByTheNext() throws Exception {
        Path home = Files.createTempDirectory("steward-crash", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        StewardClient client = new StewardClient(new StewardHome(home, home.resolve("steward.sock")));
        String mark = "60" + (UUID.randomUUID().getMostSignificantBits() & 0xffff);
        Process first = daemon(home);
        Process second = null;
        Map<Integer, Long> tree = new HashMap<>();
        try {
            awaitHealthy(client);
            DaemonFixture.runOn(client, "argv", List.of("sh", "-c", "sleep " + mark + "1 & ( setsid sleep " + mark + "2 & ) ; wait"));
            // (a pty session would die with its terminal when the daemon's master end closes: pipes outlive it)
            DaemonFixture.runOn(client, "argv", List.of("sleep", mark + "3"));
            // An escapee: no tag, its own session, its parent gone. Only the journal of its setsid finds it.
            DaemonFixture.runOn(client, "argv", List.of("sh", "-c", "env -i setsid -f sleep " + mark + "4; exec sleep "
                    + mark + "5"));
            DaemonFixture.poll("five sleeps", () -> {
                for (ProcStat p : ProcStat.all()) {
                    List<String> argv = ProcStat.cmdline(p.pid());
                    if (argv.size() == 2 && argv.get(0).equals("sleep") && argv.get(1).startsWith(mark)) {
                        tree.put(p.pid(), p.startTicks());
                    }
                }
                return tree.size() == 5;
            });
            DaemonFixture.poll("both escapees journaled", () -> journaledEscapees(home) == 2);
            first.destroyForcibly();
            assertTrue(first.waitFor(10, TimeUnit.SECONDS));
            assertTrue(tree.entrySet().stream().allMatch(e -> alive(e.getKey(), e.getValue())),
                    "the sessions outlive a SIGKILLed daemon until the next one starts");
            second = daemon(home);
            awaitHealthy(client);
            DaemonFixture.poll("no process of the old sessions",
                    () -> tree.entrySet().stream().noneMatch(e -> alive(e.getKey(), e.getValue())));
            String events = readEvents(home);
            assertEquals(3, events.lines().filter(l -> l.equals("event: leftover-killed")).count(), events);
            String audit = Files.readString(home.resolve("audit.log"));
            assertEquals(3, audit.lines().filter(l -> l.contains("\"action\":\"recover\"")).count(), audit);
        } finally {
            CrashRecoveryTest.stopDaemons(first, second);
            for (Map.Entry<Integer, Long> e : tree.entrySet()) {
                if (alive(e.getKey(), e.getValue())) {
                    new ProcessBuilder("kill", "-9", e.getKey().toString()).start().waitFor();
                }
            }
            CrashRecoveryTest.deleteHome(home);
        }
    }

    /** Kills the SIGKILLed daemon for sure, and stops its successor (if one started) the way a user would. */
    static void stopDaemons(Process first, Process second) throws InterruptedException {
        first.destroyForcibly();
        if (second != null) {
            second.destroy();
            second.waitFor(20, TimeUnit.SECONDS);
            second.destroyForcibly();
        }
    }

    static void deleteHome(Path home) throws java.io.IOException {
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The kept events, replayed from the start, until the stream has shown the recovery. */
    private static String readEvents(Path home) throws Exception {
        try (var ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.connect(java.net.UnixDomainSocketAddress.of(home.resolve("steward.sock")));
            java.nio.channels.Channels.newOutputStream(ch).write("GET /v1/events?since=0 HTTP/1.1\r\nHost: l\r\n\r\n".getBytes());
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(java.nio.channels.Channels.newInputStream(ch)));
            StringBuilder b = new StringBuilder();
            int seen = 0;
            String l;
            while (seen < 3 && (l = in.readLine()) != null) {
                b.append(l).append('\n');
                if (l.equals("event: leftover-killed")) {
                    seen++;
                }
            }
            return b.toString();
        }
    }

    /** The members the running daemon's journal keeps as having left their sessions. */
    private static int journaledEscapees(Path home) {
        try (io.steward.daemon.state.Journal j = new io.steward.daemon.state.Journal(home.resolve("state.db"))) {
            int n = 0;
            for (io.steward.daemon.state.Journal.Entry e : j.entries()) {
                n += j.escapees(new io.steward.daemon.state.Journal.Pid(e.pid(), e.startTicks())).size();
            }
            return n;
        }
    }

    private static boolean alive(int pid, long start) {
        return ProcStat.isAlive(pid, start);
    }
}
