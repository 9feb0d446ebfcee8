package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code steward attach} with stdin not a terminal, against a real daemon. The terminal cases are in {@link AttachTerminalTest}. */
class AttachCommandTest {
    @TempDir
    Path tmp;

    private RunningDaemon daemon;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void startDaemon() throws Exception {
        daemon = RunningDaemon.start(tmp.resolve("home"));
    }

    @AfterEach
    void stopEverything() throws Exception {
        started.forEach(Process::destroyForcibly);
        daemon.close();
    }

    /** A CLI process running in the background, its stdin a pipe we hold, its output in files. */
    private final class Background {
        final Process process;
        final Path out;
        final Path err;

        Background(String... args) throws IOException {
            out = Files.createTempFile(tmp, "out", ".txt");
            err = Files.createTempFile(tmp, "err", ".txt");
            ProcessBuilder pb = Cli.builder(args).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(daemon.env);
            process = pb.start();
            started.add(process);
        }

        void type(String s) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write(s.getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        String out() throws IOException {
            return Files.readString(out);
        }

        String err() throws IOException {
            return Files.readString(err);
        }

        int awaitExit() throws Exception {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("attach did not end; stderr: " + err());
            }
            return process.exitValue();
        }

        void awaitOut(String text) throws Exception {
            Cli.poll("'" + text + "' on stdout", () -> {
                try {
                    return out().contains(text);
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    private void awaitAttached(String id) throws InterruptedException {
        Cli.poll("a client attached", () -> Boolean.TRUE.equals(daemon.session(id).get("attached")));
    }

    private void awaitWatchers(String id, long n) throws InterruptedException {
        Cli.poll(n + " read-only clients", () -> Long.valueOf(n).equals(daemon.session(id).get("watchers")));
    }

    @Test
    void pipedStdinReachesTheSessionAndItsExitCodeIsOurs() throws Exception {
        String id = daemon.run("argv", List.of("sh", "-c", "read line; echo got-$line; exit 7"), "name", "reader");
        Background attach = new Background("attach", "reader");
        attach.type("abc\n");
        assertEquals(7, attach.awaitExit(), attach.err());
        assertEquals("got-abc\n", attach.out());
        assertEquals("steward: session reader exited with code 7\n", attach.err());
        assertEquals(7L, daemon.session(id).get("exitCode"));
    }

    @Test
    void runAttachStartsAndAttachesInOneStep() throws Exception {
        Background run = new Background("run", "--name", "both", "--attach", "--",
                "sh", "-c", "read line; echo got-$line; exit 4");
        run.type("xyz\n");
        assertEquals(4, run.awaitExit(), run.err());
        assertEquals("got-xyz\n", run.out(), "no id line: the session's output is all");
        assertTrue(run.err().endsWith("exited with code 4\n"), run.err());
        assertEquals(4L, daemon.session("both").get("exitCode"));
    }

    @Test
    void anAttachmentFollowsRestartsAndEndsWhenTheSessionGivesUp() throws Exception {
        // The first run waits for the attachment, so it sees every restart; later runs find the gate open.
        Path gate = tmp.resolve("gate");
        Background run = new Background("run", "--name", "flaky", "--restart", "on-failure", "--max-restarts", "2",
                "--within", "60s", "--attach", "--", "sh", "-c",
                "while [ ! -e " + gate + " ]; do sleep 0.02; done; echo run; exit 5");
        Cli.poll("the attachment", () -> {
            try {
                return Boolean.TRUE.equals(daemon.session("flaky").get("attached"));
            } catch (RuntimeException notYet) {
                return false;
            }
        });
        Files.createFile(gate);
        assertEquals(5, run.awaitExit(), run.err());
        assertEquals("run\nrun\nrun\n", run.out(), "the output of all three runs, in one attachment");
        String[] lines = run.err().split("\n");
        assertEquals(3, lines.length, run.err());
        for (int i = 0; i < 2; i++) {
            assertTrue(lines[i].matches("steward: session \\S+ exited with code 5; restarted as pid \\d+ \\(restart "
                    + (i + 1) + "\\)"), lines[i]);
        }
        assertTrue(lines[2].matches("steward: session \\S+ exited with code 5"), lines[2]);
        assertEquals("errored", daemon.session("flaky").get("phase"));
    }

    @Test
    void theEndOfPipedStdinOnlyStopsSendingAndASignalEndingIs128PlusIt() throws Exception {
        String id = daemon.run("argv", List.of("cat"));
        Background attach = new Background("attach", id.substring(0, 8));
        attach.type("one\n");
        attach.process.getOutputStream().close();
        attach.awaitOut("one\n");
        assertEquals(true, daemon.session(id).get("stdinOpen"), "our EOF does not close the session's stdin");
        daemon.client.sessions().stop(id, Duration.ofSeconds(5), true);
        assertEquals(143, attach.awaitExit(), attach.err());
        assertEquals("steward: session " + id.substring(0, 8) + " exited with signal TERM\n", attach.err());
    }

    @Test
    void readOnlyNeverWrites() throws Exception {
        String id = daemon.run("argv", List.of("cat"));
        Background watcher = new Background("attach", "--read-only", "--json", id);
        awaitWatchers(id, 1);
        assertEquals(false, daemon.session(id).get("attached"), "a watcher is not the writer");
        watcher.type("from-the-watcher\n");
        watcher.process.getOutputStream().close();
        // Input written after the watcher's: once it is echoed, the watcher's would have been too.
        assertEquals(200, daemon.client.raw("POST", "/v1/sessions/" + id + "/stdin", "application/octet-stream",
                "from-the-api\n".getBytes(StandardCharsets.UTF_8)).status());
        watcher.awaitOut("from-the-api\n");
        daemon.client.sessions().stop(id, Duration.ofSeconds(5), true);
        assertEquals(143, watcher.awaitExit(), watcher.err());
        assertEquals("from-the-api\n", watcher.out());
        Map<String, Object> ending = Json.parseObject(watcher.err());
        assertEquals("exited", ending.get("ended"));
        assertEquals("TERM", ending.get("signal"));
    }

    @Test
    void stealEvictsTheAttachedClientAndASecondWithoutStealIsRefused() throws Exception {
        String id = daemon.run("argv", List.of("cat"), "name", "shared");
        Background first = new Background("attach", "shared");
        awaitAttached(id);

        Cli.Result refused = Cli.runWith(daemon.env, "", "attach", "shared");
        assertEquals(1, refused.code(), refused.err());
        assertTrue(refused.err().contains("already has a client attached"), refused.err());
        assertEquals(1, refused.err().lines().count(), refused.err());

        Background thief = new Background("attach", "--steal", "shared");
        assertEquals(1, first.awaitExit(), first.err());
        assertEquals("steward: stolen by another client\n", first.err());

        thief.type("still-mine\n");
        thief.awaitOut("still-mine\n");
        thief.process.destroy(); // SIGTERM: detaches, the session goes on
        assertEquals(0, thief.awaitExit(), thief.err());
        assertEquals("steward: detached from shared\n", thief.err());
        assertEquals("running", daemon.session(id).get("phase"));
        Cli.poll("the thief detached", () -> Boolean.FALSE.equals(daemon.session(id).get("attached")));
    }

    @Test
    void watchersAttachBesideTheWriterAndAStealEvictsOnlyTheWriter() throws Exception {
        String id = daemon.run("argv", List.of("cat"), "name", "watched");
        Background writer = new Background("attach", "watched");
        awaitAttached(id);
        Background watcher = new Background("attach", "--read-only", "watched");
        Background second = new Background("attach", "--read-only", "watched");
        awaitWatchers(id, 2);
        Cli.Result ls = Cli.runWith(daemon.env, null, "ls");
        assertTrue(ls.out().contains("yes, 2 watching"), ls.out());

        writer.type("from-the-writer\n");
        watcher.awaitOut("from-the-writer\n");
        second.awaitOut("from-the-writer\n");

        Background thief = new Background("attach", "--steal", "watched");
        assertEquals(1, writer.awaitExit(), writer.err());
        assertEquals("steward: stolen by another client\n", writer.err());
        thief.type("from-the-thief\n");
        watcher.awaitOut("from-the-thief\n");
        second.awaitOut("from-the-thief\n");
        assertTrue(watcher.process.isAlive() && second.process.isAlive(), "the watchers stay through the steal");
        awaitWatchers(id, 2);

        Cli.Result both = Cli.runWith(daemon.env, null, "attach", "--read-only", "--steal", "watched");
        assertEquals(2, both.code(), both.err());
        assertEquals(1, both.err().lines().count(), both.err());
        assertTrue(both.err().contains("--read-only and --steal exclude each other"), both.err());
        assertTrue(thief.process.isAlive(), "the refused attach evicted nobody");

        daemon.client.sessions().stop(id, Duration.ofSeconds(5), true);
        assertEquals(143, watcher.awaitExit(), watcher.err());
        assertEquals(143, second.awaitExit(), second.err());
        assertEquals("from-the-writer\nfrom-the-thief\n", watcher.out());
    }

    @Test
    void aDaemonThatDiesIsALostConnection() throws Exception {
        String mark = "steward-mark-" + java.util.UUID.randomUUID();
        String id = daemon.run("argv", List.of("bash", "-c", "exec -a " + mark + " cat"));
        Background attach = new Background("attach", id);
        awaitAttached(id);
        daemon.kill();
        assertEquals(1, attach.awaitExit(), attach.err());
        assertEquals("steward: daemon connection lost\n", attach.err());
        // cat ends at the EOF of its stdin, whose other end died with the daemon
        Cli.poll("the session's cat gone", () -> Cli.withMarker(mark).isEmpty());
    }

    @Test
    void anUnknownSessionIsExit3InOneLine() throws Exception {
        Cli.Result r = Cli.runWith(daemon.env, null, "attach", "no-such-session");
        assertEquals(3, r.code(), r.err());
        assertEquals("steward: no session 'no-such-session' (no name matches)\n", r.err());
    }

    @Test
    void aStoppedDaemonIsExit4InOneLine() throws Exception {
        daemon.close();
        Cli.Result r = Cli.runWith(daemon.env, null, "attach", "anything");
        assertEquals(4, r.code(), r.err());
        assertTrue(r.err().startsWith("steward: no daemon answers on "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}
