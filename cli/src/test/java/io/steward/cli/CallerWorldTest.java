package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code run} starts the session in the caller's world, as a shell would: its working directory
 * and its environment, unless {@code --cwd} or {@code --clear-env}; {@code --env-file} adds a
 * dotenv file's variables.
 */
class CallerWorldTest extends WithDaemon {
    private Cli.Result in(Path dir, Map<String, String> vars, String... args) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(vars);
        return Cli.runIn(dir, all, null, args);
    }

    /** Runs {@code args} in {@code dir}, waits for the session and returns its output. */
    private String outputOf(Path dir, Map<String, String> vars, String... args) throws Exception {
        Cli.Result run = in(dir, vars, args);
        assertEquals(0, run.code(), run.err());
        String id = run.out().strip();
        Cli.Result waited = steward("wait", id);
        assertEquals(0, waited.code(), waited.err());
        return steward("logs", id).out();
    }

    @Test
    void aRelativeProgramAndTheCallersVariablesWorkAsInAShell() throws Exception {
        Path proj = Files.createDirectories(tmp.resolve("proj"));
        Path hello = proj.resolve("hello.sh");
        Files.writeString(hello, "#!/bin/sh\necho \"$FOO in $(pwd)\"\n");
        Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rwx------"));

        assertEquals("bar in " + proj.toRealPath() + "\n", outputOf(proj, Map.of("FOO", "bar"), "run", "--", "./hello.sh"));
        assertEquals("bar\n", outputOf(proj, Map.of("FOO", "bar"), "run", "--", "sh", "-c", "echo $FOO"));
        Path sub = Files.createDirectories(proj.resolve("sub"));
        assertEquals(sub.toRealPath() + "\n", outputOf(proj, Map.of(), "run", "--cwd", "sub", "--", "pwd"),
                "a relative --cwd is under the caller's");
    }

    @Test
    void supervisionVariablesOfTheCallerAreNotPassed() throws Exception {
        String out = outputOf(tmp, Map.of("NOTIFY_SOCKET", "/nowhere", "STEWARD_BEAT_SOCKET", "/nowhere", "KEPT", "1"),
                "run", "--", "sh", "-c", "echo \"${NOTIFY_SOCKET-unset} $STEWARD_BEAT_SOCKET $KEPT\"");
        assertTrue(out.matches("unset " + Path.of(env.get("STEWARD_HOME"), "beats") + "/\\w+ 1\n"),
                "no sd_notify socket, and the session's own beat socket: " + out);
    }

    @Test
    void clearEnvKeepsOnlyTheEnvFileAndEnvFlags() throws Exception {
        Path file = tmp.resolve("app.env");
        Files.writeString(file, """
                # settings
                export A=one
                B='two # not a comment'
                C="three\\nlines"

                D=plain # a comment
                """);
        String out = outputOf(tmp, Map.of("FOO", "bar"), "run", "--clear-env", "--env-file", "app.env", "--env", "D=flag",
                "--", "/usr/bin/env");
        // The order of a child's environment is not part of the contract: compare the variables.
        // ("lines" is the second line of C's value.)
        assertEquals(List.of("A=one", "B=two # not a comment", "C=three", "D=flag", "lines"),
                out.lines().filter(l -> !l.startsWith("STEWARD_ORIGINATOR=") && !l.startsWith("STEWARD_BEAT_SOCKET="))
                        .sorted().toList());
        String kept = outputOf(tmp, Map.of("FOO", "bar"), "run", "--env-file", "app.env", "--", "sh", "-c", "echo $FOO $A");
        assertEquals("bar one\n", kept, "without --clear-env the file goes on top of ours");
    }

    @Test
    void aBadEnvFileLineIsOneLineNamingTheFileAndLine() throws Exception {
        Files.writeString(tmp.resolve("bad.env"), "A=1\nthis is not a variable\n");
        Cli.Result r = in(tmp, Map.of(), "run", "--env-file", "bad.env", "--", "true");
        assertEquals(2, r.code(), r.err());
        assertEquals("steward: --env-file bad.env:2: expected KEY=value, not 'this is not a variable'\n", r.err());
        Cli.Result missing = in(tmp, Map.of(), "run", "--env-file", "none.env", "--", "true");
        assertEquals("steward: --env-file none.env: no such file\n", missing.err());
        assertEquals("{\"sessions\":[]}\n", steward("ls", "--json").out(), "refused before anything started");
    }

    @Test
    void anEnvironmentTooLargeForTheDaemonSaysWhatToDo() throws Exception {
        Files.writeString(tmp.resolve("huge.env"), "HUGE=" + "x".repeat(5 * 1024 * 1024) + "\n");
        Cli.Result r = in(tmp, Map.of(), "run", "--env-file", "huge.env", "--", "true");
        assertTrue(r.code() != 0, r.err());
        assertTrue(r.err().startsWith("steward: ") && r.err().endsWith(
                "--clear-env with --env or --env-file sends only those\n") && r.err().lines().count() == 1, r.err());
        assertEquals("{\"sessions\":[]}\n", steward("ls", "--json").out());
    }
}
