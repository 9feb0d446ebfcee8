package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The clients of a daemon restarted in place, twice, while they run: an attachment in a real
 * terminal, {@code logs --follow} and {@code events --follow} each see the session's output (and the
 * events) go on with nothing missing and nothing twice.
 */

class UpgradeClientsTest extends WithDaemon {
    private static final String COUNTER = "i=0; while :; do i=$((i+1)); echo $i; sleep 0.001; done";

    @Test
    void attachLogsAndEventsGoOnThroughTwoRestarts() throws Exception {
        String id = daemon.run("name", "counter", "argv", List.of("sh", "-c", COUNTER));
        Path dir = Files.createDirectories(tmp.resolve("pane"));
        List<Process> followers = new ArrayList<>();
        try (TmuxPane pane = TmuxPane.start(dir, daemon.home, 100, 30)) {
            pane.typeLine("./steward attach counter > attach.out 2> attach.err");
            followers.add(background(tmp.resolve("logs.out"), "logs", "--follow", id));
            Process events = background(tmp.resolve("events.out"), "events", "--follow");
            followers.add(events);
            Path attachOut = dir.resolve("attach.out");
            awaitLines(attachOut, 300);
            for (int restart = 1; restart <= 2; restart++) {
                Cli.Result r = steward("daemon", "restart");
                assertEquals(0, r.code(), r.err());
                assertEquals(1, r.out().strip().lines().count(), r.out());
                int now = lines(attachOut).size();
                awaitLines(attachOut, now + 300);
                awaitLines(tmp.resolve("logs.out"), now + 300);
            }
            assertEquals(0, steward("stop", id).code());
            Cli.poll("logs --follow to end with the session", () -> !followers.getFirst().isAlive());
            Cli.poll("attach to say the session exited", () -> read(dir.resolve("attach.err")).contains("exited"));
            Cli.poll("events --follow to see the session end", () -> read(tmp.resolve("events.out")).contains("\"exited\""));
            events.destroy();
            assertCounted(lines(attachOut), "attach");
            assertCounted(lines(tmp.resolve("logs.out")), "logs --follow");
            assertContiguous(read(tmp.resolve("events.out")));
        } finally {
            followers.forEach(Process::destroyForcibly);
        }
    }

    /** A CLI process with its stdout in {@code out} and stdin closed. */
    private Process background(Path out, String... args) throws IOException {
        ProcessBuilder pb = Cli.builder(args).redirectOutput(out.toFile())
                .redirectError(out.resolveSibling(out.getFileName() + ".err").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    private static void awaitLines(Path file, int n) throws InterruptedException {
        Cli.poll(n + " lines in " + file.getFileName(), () -> lines(file).size() >= n);
    }

    private static List<String> lines(Path file) {
        String text = read(file);
        int end = text.lastIndexOf('\n'); // a line still being written is not counted yet
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The counter's lines 1, 2, … N in order: no gap, no repeat. */
    private static void assertCounted(List<String> lines, String who) {
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(Integer.toString(i + 1), lines.get(i).strip(), who + ": line " + (i + 1));
        }
        assertTrue(lines.size() > 900, who + " saw " + lines.size() + " lines");
    }

    /** Event sequence numbers one after another. */
    private static void assertContiguous(String eventLines) {
        long previous = -1;
        for (String line : eventLines.strip().split("\n")) {
            long seq = ((Number) Json.parseObject(line).get("seq")).longValue();
            if (previous >= 0) {
                assertEquals(previous + 1, seq, "after event " + previous);
            }
            previous = seq;
        }
    }
}
