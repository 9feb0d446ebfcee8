package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.HealthInfo;
import io.steward.api.SessionInfo;
import io.steward.api.SessionState;
import io.steward.api.StewardException;
import io.steward.api.UpgradeStarted;
import io.steward.client.EventQuery;
import io.steward.client.StewardClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The daemon replaced in place ({@code POST /v1/daemon/upgrade}, what {@code daemon restart} and
 * {@code daemon upgrade} ask): same pid, same sessions and processes, every byte of their output,
 * their shells' state, their backoff and their heartbeats carried across, as a user sees them.
 */
class UpgradeTest {
    private static final Duration UPGRADE_WAIT = Duration.ofSeconds(60);
    /** A numbered line a millisecond, its ring under backpressure: nothing may be lost, even while nobody reads. */
    private static final String COUNTER = "i=0; while :; do i=$((i+1)); echo $i; sleep 0.001; done";

    @Test
    void sessionsTheirOutputTheirStateAndTheirBeatsSurviveTenUpgrades() throws Exception {
        try (ExternalDaemon d = ExternalDaemon.start()) {
            StewardClient c = d.client;
            SessionInfo counter = DaemonFixture.runOn(c, "name", "counter", "argv", List.of("sh", "-c", COUNTER),
                    "overflow", "backpressure");
            SessionInfo shell = DaemonFixture.runOn(c, "name", "shell", "argv", List.of("bash", "--norc", "-i"),
                    "pty", true);
            c.sessions().send("shell", "export KEPT=across-upgrades\n".getBytes(StandardCharsets.UTF_8), false);
            SessionInfo crash = DaemonFixture.runOn(c, "name", "crash", "argv", List.of("sh", "-c", "exit 3"),
                    "restart", "always");
            SessionInfo beating = DaemonFixture.runOn(c, "name", "beating", "argv",
                    DaemonFixture.javaChild(BeatingChild.class.getName(), "100000", "100"), "stallAfterMs", 8000L);
            DaemonFixture.poll("the first beat", () -> c.sessions().get("beating").heartbeat().lastBeatAge() != null);
            DaemonFixture.poll("the crash loop in its backoff", () -> c.sessions().get("crash").restarts() >= 1);
            HealthInfo first = c.daemon().health();
            // A client asking all along: every request answered once, whichever daemon answers it.
            DaemonFixture.runOn(c, "name", "sink", "argv", List.of("wc", "-c"));
            java.util.concurrent.atomic.AtomicBoolean asking = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
            java.util.Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread client = Thread.ofPlatform().start(() -> {
                while (asking.get()) {
                    try {
                        seen.add(c.daemon().health().upgrades());
                        c.sessions().send("sink", "xy".getBytes(StandardCharsets.UTF_8), false);
                        sent.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            });

            for (int i = 1; i <= 10; i++) {
                long beatsBefore = beats(c);
                UpgradeStarted started = c.daemon().upgrade(List.of());
                HealthInfo h = c.daemon().awaitUpgraded(started, UPGRADE_WAIT);
                assertEquals(first.pid(), h.pid(), "the daemon keeps its pid");
                assertEquals(i, h.upgrades());
                assertEquals(counter.pid(), c.sessions().get("counter").pid(), "the counter keeps its process");
                assertEquals(shell.pid(), c.sessions().get("shell").pid(), "the shell keeps its process");
                assertEquals(SessionState.RUNNING, c.sessions().get("counter").state());
                DaemonFixture.poll("a beat after upgrade " + i, () -> beats(c) > beatsBefore);
            }

            asking.set(false);
            client.join();
            assertEquals(List.of(), failures, "requests failed during the upgrades");
            assertEquals(11, seen.size(), "requests were answered by every daemon: " + seen);
            c.sessions().send("sink", new byte[0], true);
            DaemonFixture.poll("wc's count", () -> text(c, "sink").strip().matches("\\d+"));
            assertEquals(2 * sent.get(), Long.parseLong(text(c, "sink").strip()),
                    "every stdin write arrived exactly once");

            assertBackoffKeptItsClock(c, crash.id());
            SessionInfo b = c.sessions().get("beating");
            assertEquals(0, b.heartbeat().stalls(), "a session that kept beating was declared stalled");
            assertEquals(0, b.restarts());
            List<String> types = new ArrayList<>();
            c.daemon().events(new EventQuery(0, c.daemon().health().lastEventSeq(), List.of()), e -> {
                types.add(e.type());
                return true;
            });
            assertEquals(10, types.stream().filter("daemon-upgraded"::equals).count(), types.toString());
            assertTrue(!types.contains("stall"), "a stall was declared: " + types);

            c.sessions().send("shell", "echo \"kept=$KEPT\"\n".getBytes(StandardCharsets.UTF_8), false);
            DaemonFixture.poll("the shell's variable", () -> text(c, "shell").contains("kept=across-upgrades"));

            c.sessions().stop("counter", true);
            List<Long> inRing = numbers(text(c, "counter"));
            assertContiguous("the ring", inRing);
            List<Long> inFile = numbers(Files.readString(d.home.resolve("logs").resolve("counter.out.log")));
            assertContiguous("the log file", inFile);
            assertEquals(inRing.getLast(), inFile.getLast(), "the log file ends where the ring does");
            assertTrue(inFile.getLast() > 1000, "the counter ran across the upgrades: " + inFile.getLast());
        }
    }

    @Test
    void aBuildThatCannotStartIsRefusedAndTheDaemonServesOn() throws Exception {
        try (ExternalDaemon d = ExternalDaemon.start()) {
            StewardClient c = d.client;
            SessionInfo s = DaemonFixture.runOn(c, "argv", List.of("sleep", "60"));
            Path broken = Files.writeString(d.home.resolve("broken.jar"), "not a jar");
            StewardException e = org.junit.jupiter.api.Assertions.assertThrows(StewardException.class,
                    () -> c.daemon().upgrade(List.of(ExternalDaemon.java(), "-cp", broken.toString(),
                            "io.steward.daemon.DaemonMain")));
            assertEquals(ErrorCode.CONFLICT, e.code());
            assertTrue(e.getMessage().contains("cannot take over") && e.getMessage().contains("DaemonMain"),
                    e.getMessage());
            HealthInfo h = c.daemon().health();
            assertEquals(d.pid(), h.pid());
            assertEquals(0, h.upgrades());
            assertNotNull(h.lastUpgradeFailure());
            assertEquals(SessionState.RUNNING, c.sessions().get(s.id()).state());
            SessionInfo more = DaemonFixture.runOn(c, "argv", List.of("sleep", "60"));
            assertEquals(SessionState.RUNNING, more.state(), "the old daemon takes new work");
        }
    }

    /**
     * A build that says it can take over and then fails to (here its JVM cannot make a selector, so
     * its HTTP server cannot start): the build before takes over again from the same state, and the
     * upgrade is reported as failed, not done.
     */
    @Test
    void aBuildThatFailsToTakeOverHandsBackToTheBuildBefore() throws Exception {
        try (ExternalDaemon d = ExternalDaemon.start()) {
            StewardClient c = d.client;
            SessionInfo s = DaemonFixture.runOn(c, "name", "counter", "argv", List.of("sh", "-c", COUNTER));
            UpgradeStarted started = c.daemon().upgrade(List.of(ExternalDaemon.java(),
                    "-Djava.nio.channels.spi.SelectorProvider=no.such.Provider", "--enable-native-access=ALL-UNNAMED",
                    "-cp", ExternalDaemon.classPath(), DaemonMain.class.getName()));
            StewardException e = org.junit.jupiter.api.Assertions.assertThrows(StewardException.class,
                    () -> c.daemon().awaitUpgraded(started, UPGRADE_WAIT));
            assertEquals(ErrorCode.CONFLICT, e.code());
            assertTrue(e.getMessage().contains("the build before took over again"), e.getMessage());
            HealthInfo h = c.daemon().health();
            assertEquals(d.pid(), h.pid());
            assertEquals(0, h.upgrades());
            assertEquals(s.pid(), c.sessions().get("counter").pid(), "the session kept its process");
            long end = c.sessions().output("counter", null, 0, 1).end();
            DaemonFixture.poll("the counter's output going on", () -> c.sessions().output("counter", null, 0, 1).end() > end);
            c.sessions().stop("counter", true);
            assertContiguous("the ring", numbers(text(c, "counter")));
        }
    }

    @Test
    void aDaemonKilledAfterAnUpgradeStillEndsItsSessionsAtTheNextStart() throws Exception {
        Path home;
        long pid;
        try (ExternalDaemon d = ExternalDaemon.start()) {
            StewardClient c = d.client;
            pid = DaemonFixture.runOn(c, "argv", List.of("sleep", "600")).pid();
            long ticks = io.steward.core.ProcStat.read((int) pid).orElseThrow().startTicks();
            c.daemon().awaitUpgraded(c.daemon().upgrade(List.of()), UPGRADE_WAIT);
            io.steward.sys.Libc.kill(d.pid(), io.steward.sys.Signal.KILL.number());
            DaemonFixture.poll("the daemon gone", () -> ProcessHandle.of(d.pid()).map(p -> !p.isAlive()).orElse(true));
            assertTrue(io.steward.core.ProcStat.isAlive((int) pid, ticks), "the session outlived its daemon");
            try (ExternalDaemon next = ExternalDaemon.start(Map.of(), d.home)) {
                // killed, it may stay a zombie of whichever subreaper inherited it (this test JVM, say)
                DaemonFixture.poll("the leftover ended", () -> !io.steward.core.ProcStat.isAlive((int) pid, ticks));
                List<String> types = new ArrayList<>();
                next.client.daemon().events(new EventQuery(0, next.client.daemon().health().lastEventSeq(), List.of()),
                        e -> types.add(e.type()));
                assertTrue(types.contains("leftover-killed"), types.toString());
            }
        }
    }

    /**
     * The crash loop's backoff went on counting across the upgrades: its attempts go up one by one
     * (an upgrade resets nothing), and each restart came when its backoff said, not a delay later.
     */
    private static void assertBackoffKeptItsClock(StewardClient c, String id) {
        List<io.steward.api.SessionEvent.Backoff> backoffs = new ArrayList<>();
        List<io.steward.api.SessionEvent.Restarted> restarts = new ArrayList<>();
        c.sessions().events(id, new EventQuery(0, c.daemon().health().lastEventSeq(), List.of()), e -> {
            if (e instanceof io.steward.api.SessionEvent.Backoff b) {
                backoffs.add(b);
            } else if (e instanceof io.steward.api.SessionEvent.Restarted r) {
                restarts.add(r);
            }
            return true;
        });
        assertTrue(restarts.size() >= 4, "the crash loop restarted " + restarts.size() + " times");
        for (int i = 0; i < backoffs.size(); i++) {
            assertEquals(i + 1, backoffs.get(i).attempt(), "backoff attempts: " + backoffs);
        }
        // Nothing of a session moves while nobody serves: a restart due then comes once the new
        // daemon serves, so it may be late by as much as the longest window, never by a delay more.
        List<Duration> windows = new ArrayList<>();
        c.daemon().events(new EventQuery(0, c.daemon().health().lastEventSeq(), List.of()), e -> {
            if (e instanceof io.steward.api.DaemonEvent.Upgraded u) {
                windows.add(u.window());
            }
            return true;
        });
        Duration longestWindow = windows.stream().max(Duration::compareTo).orElse(Duration.ZERO);
        for (int i = 0; i < restarts.size(); i++) {
            Duration waited = Duration.between(backoffs.get(i).at(), restarts.get(i).at());
            Duration delay = backoffs.get(i).delay();
            Duration latest = delay.plus(longestWindow).plusSeconds(1);
            assertTrue(waited.compareTo(delay.minusMillis(50)) >= 0 && waited.compareTo(latest) <= 0,
                    "restart " + (i + 1) + " came " + waited.toMillis() + " ms after a backoff of " + delay.toMillis()
                            + " ms (longest upgrade window " + longestWindow.toMillis() + " ms)");
        }
    }

    /** Beats the daemon accepted, as /metrics counts them (the counters go on across an upgrade). */
    private static long beats(StewardClient c) {
        String text = new String(c.raw("GET", "/metrics", null, null).body(), StandardCharsets.UTF_8);
        long sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("steward_beats_total{")) {
                sum += Long.parseLong(line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        return sum;
    }

    private static String text(StewardClient c, String ref) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long cursor = 0;
        while (true) {
            var chunk = c.sessions().output(ref, null, cursor, 1 << 20);
            out.writeBytes(chunk.data());
            if (chunk.next() >= chunk.end() || chunk.data().length == 0) {
                return out.toString(StandardCharsets.ISO_8859_1);
            }
            cursor = chunk.next();
        }
    }

    private static List<Long> numbers(String text) {
        List<Long> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(Long.parseLong(line.strip()));
            }
        }
        return out;
    }

    private static void assertContiguous(String where, List<Long> numbers) {
        assertTrue(!numbers.isEmpty(), where + " holds no line");
        assertEquals(1, numbers.getFirst(), where + " does not begin at 1");
        for (int i = 1; i < numbers.size(); i++) {
            if (numbers.get(i) != numbers.get(i - 1) + 1) {
                throw new AssertionError(where + ": " + numbers.get(i - 1) + " is followed by " + numbers.get(i));
            }
        }
    }
}
