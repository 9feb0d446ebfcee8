package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Exit codes and messages a user can rely on: run's command that cannot start, references no
 * session can have, the flags named as typed, sizes with units and ranges, JSON, counts and names.
 */
class ExitCodesAndMessagesTest extends WithDaemon {
    /** The one line a refused command says on stderr, with the exit code it must have. */
    private String refused(int code, String... args) throws Exception {
        Cli.Result r = steward(args);
        assertEquals(code, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        return r.err();
    }

    @Test
    void aCommandThatCannotStartExitsAsWithExec() throws Exception {
        String missing = refused(127, "run", "--", "steward-no-such-program");
        assertEquals("steward: cannot start: program 'steward-no-such-program': ENOENT (No such file or directory)\n", missing);
        assertEquals(missing, refused(127, "exec", "--", "steward-no-such-program"));
        Path script = Files.writeString(tmp.resolve("not-executable.sh"), "#!/bin/sh\necho hi\n");
        assertTrue(refused(126, "run", "--json", "--", script.toString()).contains("EACCES"));
        assertTrue(refused(126, "run", "--cwd", tmp.resolve("gone").toString(), "--", "true").contains("working directory"));
        assertEquals("{\"sessions\":[]}\n", ok("ls", "--json", "--all"), "nothing runs that did not start");
    }

    @Test
    void aReferenceNoSessionCanHaveIsRefusedBeforeAnyRequest() throws Exception {
        List<String[]> verbs = List.of(new String[] {"status"}, new String[] {"logs"}, new String[] {"stop"},
                new String[] {"kill"}, new String[] {"rm"}, new String[] {"wait"}, new String[] {"attach"},
                new String[] {"flush"}, new String[] {"send", "x"}, new String[] {"signal", "TERM"},
                new String[] {"resize", "2x2"});
        for (String ref : List.of("a/b", "x".repeat(10_000))) {
            for (String[] verb : ref.length() > 64 ? verbs.subList(0, 2) : verbs) {
                List<String> line = new ArrayList<>(List.of(verb[0], ref));
                line.addAll(List.of(verb).subList(1, verb.length));
                String err = refused(2, line.toArray(String[]::new));
                assertTrue(err.startsWith("steward: invalid session reference '"), err);
                assertTrue(err.length() < 250, "one short line, however long the reference: " + err.length());
            }
        }
        assertTrue(refused(2, "attach", "x".repeat(10_000)).startsWith("steward: invalid session reference 'xxx"));
        assertTrue(refused(2, "status", "../x").startsWith("steward: invalid session reference '../x'"));
        assertEquals("steward: no session 'nosuch' (no name or id prefix matches)\n", refused(3, "status", "nosuch"));
    }

    @Test
    void refusalsNameTheFlagTypedAndTheRange() throws Exception {
        assertEquals("steward: --on-stall: needs --stall-after or --watchdog, the silence that makes a stall\n",
                refused(2, "run", "--on-stall", "restart", "--", "true"));
        assertEquals("steward: --rows/--cols apply to pty sessions only\n", refused(2, "run", "--rows", "30", "--", "true"));
        assertEquals("steward: --max-restarts and --within need restart on-failure or always\n",
                refused(2, "run", "--max-restarts", "3", "--", "true"));
        assertEquals("steward: --name: must not look like a session id\n",
                refused(2, "run", "--name", "abcdefghijklmnopqrstuvwxyz", "--", "true"));
        assertEquals("steward: --ring-bytes: 12 outside 4K..64M\n", refused(2, "run", "--ring-bytes", "12", "--", "true"));
        assertEquals("steward: --ring-bytes: 1G outside 4K..64M\n", refused(2, "run", "--ring-bytes", "1G", "--", "true"));
        assertEquals("steward: rows: 0 outside 1..10000\n", refused(2, "resize", "web", "0x80"));
        assertTrue(refused(2, "wait", "web", "--timeout", "soon").startsWith("steward: --timeout: invalid duration 'soon'"));
        assertTrue(refused(2, "kill-older", "soon").startsWith("steward: AGE: invalid duration 'soon'"));
        assertTrue(refused(2, "daemon", "stop", "--grace", "soon").startsWith("steward: --grace: invalid duration 'soon'"));
        assertTrue(refused(2, "exec", "--idle-timeout", "soon", "--", "true").startsWith("steward: --idle-timeout: invalid"));
        for (String size : List.of("64M", "64m", "64MiB", "4096")) {
            ok("run", "--ring-bytes", size, "--", "true");
        }
    }

    @Test
    void fieldsInTheDaemonsWordsBecomeFlags() {
        assertEquals("--stall-after: 0 outside 1..9", FlagNames.in("stallAfterMs: 0 outside 1..9"));
        assertEquals("--name: 'name' is taken by the name of another", FlagNames.in("name: 'name' is taken by the name of another"));
        assertEquals("--rows/--cols apply to pty sessions only", FlagNames.in("rows/cols apply to pty sessions only"));
        assertEquals("CMD: at least one string is required", FlagNames.in("argv: at least one string is required"));
        assertEquals("--no-log-file, --on-stall and --restart on-failure", FlagNames.in("logFile, onStall and --restart on-failure"));
        assertEquals("no session 'web'", FlagNames.in("no session 'web'"));
    }

    @Test
    void everyVerbAnswersJson() throws Exception {
        Map<String, Object> unit = Json.parseObject(ok("startup", "--json"));
        assertTrue(unit.get("unit").toString().contains("daemon run --resurrect"), unit.toString());
        assertTrue(Json.parseObject(ok("completion", "bash", "--json")).get("script").toString().contains("steward"));
        assertEquals("steward send", Json.parseObject(ok("help", "send", "--json")).get("command"));
    }

    @Test
    void countsAreSingularForOneAndSessionsGoByName() throws Exception {
        ok("run", "--name", "keep", "--", "sleep", "60");
        assertTrue(ok("daemon", "status").contains(", 1 running session, home "));
        assertEquals("saved 1 app: keep\n", ok("save"));
        assertEquals("sent 1 byte\n", ok("send", "keep", "--raw", "x"));
        String keep = ((String) Json.parseObject(ok("status", "keep", "--json")).get("id")).substring(0, 8);
        assertEquals("flushed the logs of 1 session: keep (" + keep + ")\n", ok("flush", "keep"));

        ok("run", "--name", "done", "--", "true");
        String unnamed = ok("run", "--", "true").strip().substring(0, 8);
        ok("wait", "done");
        ok("wait", unnamed);
        String done = ((String) Json.parseObject(ok("status", "done", "--json")).get("id")).substring(0, 8);
        assertEquals("removed done (" + done + ")\n", ok("rm", "done"));
        assertEquals("released 1 session: " + unnamed + "\n", ok("purge"));
        assertEquals("released 0 sessions\n", ok("purge"));
        assertEquals("stopping 1 session: keep (" + keep + ")\n", ok("kill-older", "0s"));
    }
}
