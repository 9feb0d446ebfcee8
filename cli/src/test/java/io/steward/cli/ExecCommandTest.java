package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecCommandTest {
    @TempDir
    Path dir;

    private static String marker() {
        return "steward-mark-" + UUID.randomUUID();
    }

    @Test
    void exitCodeAndOutputAreTheChilds() throws Exception {
        Cli.Result r = Cli.run(null, "exec", "--", "sh", "-c", "printf out; printf err >&2; exit 7");
        assertEquals(7, r.code());
        assertEquals("out", r.out());
        assertEquals("err", r.err());
    }

    @Test
    void signalDeathIs128PlusSignal() throws Exception {
        assertEquals(137, Cli.run(null, "exec", "sh", "-c", "kill -KILL $$").code());
    }

    @Test
    void stdinIsForwarded() throws Exception {
        Cli.Result r = Cli.run("line one\nline two", "exec", "--", "cat");
        assertEquals(0, r.code());
        assertEquals("line one\nline two", r.out());
    }

    @Test
    void commandsThatCannotStartSayWhyIn127Or126() throws Exception {
        Cli.Result missing = Cli.run(null, "exec", "--", "steward-no-such-program");
        assertEquals(127, missing.code());
        assertEquals("steward: cannot start: program 'steward-no-such-program': ENOENT (No such file or directory)\n",
                missing.err());
        Path script = Files.writeString(dir.resolve("not-executable"), "#!/bin/sh\n");
        Cli.Result denied = Cli.run(null, "exec", "--", script.toString());
        assertEquals(126, denied.code());
        assertTrue(denied.err().contains(script.toString()) && denied.err().contains("EACCES"), denied.err());
        assertEquals(1, denied.err().lines().count());
    }

    @Test
    void timeoutStopsTheWholeTreeSoftThenHard() throws Exception {
        String mark = marker();
        Cli.Result r = Cli.run(null, "exec", "--timeout", "300ms", "--grace", "300ms", "--json", "--",
                "bash", "-c", "trap '' TERM; (setsid bash -c 'exec -a " + mark + " sleep 60' &); exec -a " + mark + " sleep 61");
        assertTrue(r.err().contains("timed out after 300ms"), r.err());
        assertTrue(r.err().contains("\"outcome\":\"hard-killed\""), r.err());
        assertEquals(137, r.code());
        assertTrue(Cli.withMarker(mark).isEmpty(), "processes survived: " + Cli.withMarker(mark));
    }

    @Test
    void idleTimeoutStopsASilentCommand() throws Exception {
        Cli.Result r = Cli.run(null, "exec", "--idle-timeout", "300ms", "--", "sh", "-c", "echo hi; sleep 60");
        assertEquals("hi\n", r.out());
        assertTrue(r.err().contains("no output for 300ms") && r.err().contains("soft-exit"), r.err());
        assertEquals(143, r.code());
    }

    @Test
    void findLeaksReportsAndKillsDescendants() throws Exception {
        String mark = marker();
        Cli.Result r = Cli.run(null, "exec", "--find-leaks", "--", "bash", "-c",
                "(setsid bash -c 'exec -a " + mark + " sleep 60' &); sleep 0.2; echo bye");
        assertEquals(0, r.code());
        assertTrue(r.err().contains("leak: pid") && r.err().contains(mark), r.err());
        assertTrue(Cli.withMarker(mark).isEmpty());
        Cli.Result clean = Cli.run(null, "exec", "--find-leaks", "--", "true");
        assertTrue(clean.err().contains("no leaks"), clean.err());
    }

    @Test
    void ctrlCStopsTheTree() throws Exception {
        String mark = marker();
        ProcessBuilder pb = Cli.builder("exec", "--", "bash", "-c", "exec -a " + mark + " sleep 60");
        // A test runner started in the background may have SIGINT ignored, and an ignored SIGINT is inherited
        // (and honoured by steward, as by any program): give it back its default disposition, as a terminal would.
        pb.command().addAll(0, java.util.List.of("env", "--default-signal=INT"));
        Process p = pb
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).start();
        // exec -a renames sleep: once the marker shows as the program name, bash is gone and steward is waiting.
        Cli.poll("child running", () -> Cli.withMarker(mark).stream().anyMatch(pid -> Cli.cmdline(pid).startsWith(mark)));
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(143, p.exitValue(), out);
        assertTrue(out.contains("interrupted"), out);
        assertTrue(Cli.withMarker(mark).isEmpty());
    }

    @Test
    void ptyGivesTheChildATerminal() throws Exception {
        Cli.Result r = Cli.run(null, "exec", "--pty", "--", "sh", "-c", "test -t 1 && echo tty; stty size");
        assertEquals(0, r.code());
        assertEquals("tty\r\n24 80\r\n", r.out());
    }

    @Test
    void badUsageIsExit2AndOneLine() throws Exception {
        Cli.Result bad = Cli.run(null, "exec", "--bogus", "x");
        assertEquals(2, bad.code());
        assertEquals(1, bad.err().lines().count(), bad.err());
        Cli.Result badDuration = Cli.run(null, "exec", "--timeout", "soon", "--", "true");
        assertEquals(2, badDuration.code());
        assertTrue(badDuration.err().startsWith("steward: --timeout: invalid duration 'soon'"), badDuration.err());
        Cli.Result none = Cli.run(null, "exec");
        assertEquals(2, none.code());
    }
}
