package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import io.steward.api.LogsPage;
import io.steward.api.OutputChunk;
import io.steward.api.StdStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code logs} of several sessions, merged line by line in arrival order, with prefixes, per-session
 * tails, --grep and --timestamps, against real sessions whose order is fixed by go-files the test
 * creates only once the clock has moved past the previous line's arrival.
 */
class MergedLogsTest extends WithDaemon {
    /** Runs {@code script} under sh as session {@code name} with {@code label}, in the test's directory. */
    private String sh(String name, String label, String script, Object... more) {
        List<Object> o = new ArrayList<>(List.of("name", name, "label", label, "cwd", tmp.toString(),
                "argv", List.of("sh", "-c", script)));
        o.addAll(List.of(more));
        return daemon.run(o.toArray());
    }

    /** A shell line that waits for the go-file {@code f}. */
    private static String await(String f) {
        return "while [ ! -e " + f + " ]; do sleep 0.005; done; ";
    }

    /** The stdout of {@code id} once it holds {@code bytes}. */
    private OutputChunk once(String id, int bytes) throws InterruptedException {
        OutputChunk[] c = new OutputChunk[1];
        Cli.poll(id + " wrote " + bytes + " bytes", () -> (c[0] = daemon.client.sessions().output(id, StdStream.STDOUT, 0, 1 << 20))
                .data().length >= bytes);
        return c[0];
    }

    /** Creates go-file {@code f} once the clock has passed when the newest byte of {@code c} arrived. */
    private void goAfter(OutputChunk c, String f) throws Exception {
        long t = c.times().getLast().epochMillis();
        Cli.poll("the clock past " + t, () -> System.currentTimeMillis() > t);
        Files.createFile(tmp.resolve(f));
    }

    /**
     * Waits until the sessions ended and the daemon read their streams to the end: bytes still in a
     * pipe when the program exits arrive (and are timed) when the daemon reads them.
     */
    private void ended(String... ids) throws InterruptedException {
        for (String id : ids) {
            daemon.client.sessions().await(id, Duration.ofSeconds(20));
            Cli.poll(id + "'s streams read to their end", () -> {
                LogsPage now = daemon.client.sessions().logs(id, 0, 0, 0);
                return daemon.client.sessions().logs(id, now.outEnd(), now.errEnd(), 0).eof();
            });
        }
    }

    @Test
    void twoSessionsMergeInTheOrderTheirLinesCameWithoutSplittingALine() throws Exception {
        long t0 = System.currentTimeMillis();
        String other = sh("other", "elsewhere", "echo other");
        once(other, 6);
        String a = sh("alpha", "pair", "echo a1; " + await("g2") + "echo a2");
        goAfter(once(a, 3), "g1");
        // b leaves a line open while alpha writes a whole one: the open line must not be cut by it.
        String b = sh("b", "pair", await("g1") + "printf part; " + await("g3") + "echo ial; echo b2 >&2");
        goAfter(once(b, 4), "g2");
        goAfter(once(a, 6), "g3");
        ended(a, b, other);
        long t1 = System.currentTimeMillis();

        String pair = "alpha | a1\nb     | partial\nalpha | a2\nb     | b2\n";
        assertEquals(pair, ok("logs", "--label", "pair"));
        assertEquals(pair, ok("logs", "alpha", "b"));
        assertEquals("other | other\n" + pair, ok("logs"), "every session");
        assertEquals("a1\na2\n", ok("logs", "alpha"), "one id: the program's bytes, as ever");
        assertEquals("alpha | a1\nalpha | a2\n", ok("logs", "alpha", "--prefix"));

        List<String> stamped = ok("logs", "--label", "pair", "--timestamps").lines().toList();
        assertEquals(4, stamped.size(), stamped.toString());
        long[] last = {0, 0};
        for (String line : stamped) {
            String name = line.substring(0, line.indexOf(' '));
            String time = line.substring(line.indexOf("| ") + 2, line.indexOf("| ") + 2 + 24);
            long t = Instant.parse(time).toEpochMilli();
            assertTrue(t >= t0 && t <= t1, line + " within the run's window " + t0 + ".." + t1);
            int s = name.equals("alpha") ? 0 : 1;
            assertTrue(t >= last[s], "times of a session never go back: " + stamped);
            last[s] = t;
        }

        List<String> docs = ok("logs", "--label", "pair", "--json", "-t").lines().toList();
        assertEquals(4, docs.size());
        Map<String, Object> first = Json.parseObject(docs.getFirst());
        assertEquals(a, first.get("session"));
        assertEquals("a1\n", new String(Base64.getDecoder().decode((String) first.get("data")), StandardCharsets.UTF_8));
        assertTrue(first.get("time") instanceof String, first.toString());
        assertEquals("stderr", Json.parseObject(docs.getLast()).get("stream"));
        assertEquals(true, Json.parseObject(docs.getLast()).get("eof"));
    }

    @Test
    void followMergesWhatArrivesWhileItWatches() throws Exception {
        String a = sh("alpha", "f", await("g0") + "echo a1; " + await("g2") + "printf a2; " + await("g4") + "echo ' end'");
        String b = sh("b", "f", await("g1") + "echo b1; " + await("g3") + "echo b2 >&2; echo skip");
        Path out = tmp.resolve("follow.out");
        ProcessBuilder pb = Cli.builder("logs", "--label", "f", "--follow", "--grep", "^[ab]")
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process follow = pb.start();
        try {
            Files.createFile(tmp.resolve("g0"));
            goAfter(once(a, 3), "g1");
            goAfter(once(b, 3), "g2");
            goAfter(once(a, 5), "g3");
            Cli.poll("b2", () -> daemon.client.sessions().output(b, StdStream.STDERR, 0, 100).data().length == 3);
            OutputChunk b2 = daemon.client.sessions().output(b, StdStream.STDERR, 0, 100);
            goAfter(b2, "g4");
            ended(a, b);
            assertTrue(follow.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "logs --follow ends when they all have");
        } finally {
            follow.destroyForcibly();
        }
        assertEquals(0, follow.exitValue());
        assertEquals("alpha | a1\nb     | b1\nalpha | a2 end\nb     | b2\n", Files.readString(out),
                "arrival order by first byte, the open line whole, --grep on each line");
    }

    @Test
    void tailIsPerSessionAndGrepKeepsMatchingLines() throws Exception {
        String a = sh("alpha", "t", "for i in 1 2 3 4 5; do echo a$i; done");
        once(a, 15);
        String b = sh("b", "t", "for i in 1 2 3 4 5; do echo b$i; done; printf b6");
        once(b, 17);
        ended(a, b);

        List<String> tail = ok("logs", "--label", "t", "--tail", "2").lines().toList();
        assertEquals(List.of("alpha | a4", "alpha | a5", "b     | b5", "b     | b6"), tail, "the last 2 of each, merged");
        assertEquals(List.of("alpha | a1", "alpha | a3", "b     | b1", "b     | b3"),
                ok("logs", "--label", "t", "--grep", "[ab][13]$").lines().toList());
        assertEquals(List.of("alpha | a2", "b     | b2"),
                ok("logs", "--label", "t", "--grep", "[ab][12]", "--tail", "1").lines().toList(),
                "--tail counts the lines --grep lets through");
        assertEquals("a2\na4\n", ok("logs", "alpha", "--grep", "a[24]"), "one session: no prefix");

        for (String bad : List.of("(", "[a-", "*x")) {
            Cli.Result r = steward("logs", "--label", "t", "--grep", bad);
            assertEquals(2, r.code(), r.err());
            assertEquals("", r.out());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("steward: --grep: not a regular expression: "), r.err());
        }
        Cli.Result since = steward("logs", "alpha", "b", "--since", "0:0");
        assertEquals(2, since.code(), since.err());
    }

    @Test
    void megabytesThroughSmallRingsMergeWithoutLosingAByte() throws Exception {
        int lines = 20_000;
        String script = "i=0; while [ $i -lt " + lines + " ]; do i=$((i+1)); echo \"%s-$i-the-rest-of-a-line-of-some-length-to-fill-a-ring\"; done";
        String a = sh("alpha", "big", script.formatted("A"), "ringBytes", 65536L, "overflow", "backpressure");
        String b = sh("b", "big", script.formatted("B"), "ringBytes", 65536L, "overflow", "backpressure");
        ended(a, b);
        long expected = 0;
        for (int i = 1; i <= lines; i++) {
            expected += ("A-" + i + "-the-rest-of-a-line-of-some-length-to-fill-a-ring\n").length();
        }
        assertTrue(expected > 1_000_000, "more than a megabyte each: " + expected);

        String merged = ok("logs", "--label", "big");
        long[] bytes = new long[2];
        int[] next = {1, 1};
        for (String line : merged.lines().toList()) {
            String name = line.substring(0, line.indexOf(' '));
            String text = line.substring(line.indexOf("| ") + 2);
            int s = name.equals("alpha") ? 0 : 1;
            assertEquals((s == 0 ? "A-" : "B-") + next[s] + "-the-rest-of-a-line-of-some-length-to-fill-a-ring", text,
                    "whole lines, each session's in its order");
            next[s]++;
            bytes[s] += text.length() + 1;
        }
        assertEquals(expected, bytes[0], "alpha's bytes");
        assertEquals(expected, bytes[1], "b's bytes");
    }

    @Test
    void logTimestampsOutliveTheRingAndTheDaemon() throws Exception {
        long t0 = System.currentTimeMillis();
        String script = "i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo \"line $i of a log that the ring cannot hold\"; done";
        String stamped = sh("stamped", "ts", script, "ringBytes", 4096L, "overflow", "backpressure", "logTimestamps", true);
        String plain = sh("plain", "ts", script, "ringBytes", 4096L, "overflow", "backpressure");
        ended(stamped, plain);
        long t1 = System.currentTimeMillis();

        List<String> lines = ok("logs", "stamped", "-t").lines().toList();
        assertEquals(3000, lines.size());
        long last = 0;
        for (String line : lines) {
            long t = Instant.parse(line.substring(0, 24)).toEpochMilli();
            assertTrue(t >= t0 && t <= t1 && t >= last, line + " in " + t0 + ".." + t1 + ", after " + last);
            last = t;
        }
        List<String> unstamped = ok("logs", "plain", "-t").lines().toList();
        assertEquals(3000, unstamped.size());
        assertEquals("line 1 of a log that the ring cannot hold", unstamped.getFirst(),
                "without --log-timestamps, what only the files hold has no time");
        assertTrue(unstamped.getLast().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z line 3000 .*"),
                "what the ring still holds has: " + unstamped.getLast());

        // The daemon goes and comes back: the times stay beside the log, which is the program's bytes.
        daemon.close(); // an orderly stop, as daemon stop does
        daemon = RunningDaemon.start(tmp.resolve("home"));
        Path log = tmp.resolve("home").resolve("logs").resolve("stamped.out.log");
        byte[] bytes = Files.readAllBytes(log);
        List<String> logged = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        assertEquals(3000, logged.size());
        assertEquals("line 1 of a log that the ring cannot hold", logged.getFirst(), "the log is the program's bytes");
        ByteBuffer times = ByteBuffer.wrap(Files.readAllBytes(log.resolveSibling("stamped.out.log.times")));
        assertEquals(0, times.remaining() % 16, "16-byte records");
        long position = -1;
        long time = 0;
        assertEquals(0, times.getLong(0), "the first byte has a time");
        while (times.hasRemaining()) {
            long p = times.getLong();
            long t = times.getLong();
            assertTrue(p > position && p < bytes.length && t >= time && t >= t0 && t <= t1, p + " " + t);
            position = p;
            time = t;
        }
    }
}
