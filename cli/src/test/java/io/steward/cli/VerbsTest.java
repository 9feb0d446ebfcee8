package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every session verb end to end: the CLI as its own JVM against a real daemon in a fresh home. */
class VerbsTest {
    @TempDir
    Path tmp;

    private Map<String, String> env;
    private long daemonPid;

    @BeforeEach
    void startDaemon() throws Exception {
        env = Map.of("STEWARD_HOME", tmp.resolve("home").toString(), "NO_COLOR", "1");
        Cli.Result started = steward("daemon", "start", "--json");
        assertEquals(0, started.code(), started.err());
        daemonPid = ((Number) Json.parseObject(started.out()).get("pid")).longValue();
    }

    @AfterEach
    void stopDaemon() throws Exception {
        steward("daemon", "stop", "--grace", "1s");
        ProcessHandle.of(daemonPid).ifPresent(ProcessHandle::destroyForcibly);
        Cli.poll("daemon gone", () -> ProcessHandle.of(daemonPid).map(h -> !h.isAlive()).orElse(true));
    }

    private Cli.Result steward(String... args) throws Exception {
        return Cli.runWith(env, null, args);
    }

    private Cli.Result ok(String... args) throws Exception {
        Cli.Result r = steward(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    private Map<String, Object> json(String... args) throws Exception {
        return Json.parseObject(ok(args).out());
    }

    private String run(String... args) throws Exception {
        return ok(args).out().strip();
    }

    @Test
    void runLsAndStatus() throws Exception {
        String id = run("run", "--name", "web", "--label", "demo", "--", "sh", "-c", "echo hi; exec sleep 60");
        assertEquals(26, id.length(), id);
        run("run", "--pty", "--rows", "30", "--cols", "90", "--", "sleep", "60");

        String table = ok("ls").out();
        List<String> lines = table.lines().toList();
        assertEquals(3, lines.size(), table);
        assertTrue(lines.get(0).matches("NAME +ID +PID +KIND +STATE +UPTIME +CPU +MEM +DROPPED +ATTACHED +RESTARTS +LAST EXIT +STATUS"), table);
        assertTrue(lines.get(1).matches("web +" + id.substring(0, 8) + " +\\d+ +pipe +running +\\S+ +\\S+ +\\S+ +0 +no +0 +- +-"), table);
        assertTrue(lines.get(2).matches("- +[a-z2-7]{8} +\\d+ +pty +running .*"), table);
        assertFalse(table.contains("\033["), "no colour off a terminal");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sessions = (List<Map<String, Object>>) json("ls", "--json").get("sessions");
        assertEquals(2, sessions.size());
        assertEquals(1, ((List<?>) json("ls", "--label", "demo", "--json").get("sessions")).size());

        Map<String, Object> s = json("status", id.substring(0, 6), "--json");
        assertEquals(id, s.get("id"));
        for (String field : List.of("name", "pid", "phase", "exitCode", "signal", "outcome", "restarts", "ageMs", "idleMs",
                "bufferedBytes", "droppedBytes", "stdinOpen", "cpuMs", "peakRssBytes", "rssBytes")) {
            assertTrue(s.containsKey(field), field);
        }
        String status = ok("status", "web").out();
        assertTrue(status.contains("state      running") && status.contains("command    sh -c 'echo hi; exec sleep 60'"), status);
    }

    @Test
    void waitReadyStatusAndBeats() throws Exception {
        String id = run("run", "--name", "svc", "--wait-ready", "--", "sh", "-c",
                "sleep 0.2; systemd-notify --ready --status='serving 3 clients'; exec sleep 60");
        Map<String, Object> s = json("status", id, "--json");
        assertEquals(Boolean.TRUE, s.get("ready"), "run --wait-ready returned only once ready");
        String table = ok("ls").out();
        assertTrue(table.lines().anyMatch(l -> l.startsWith("svc ") && l.endsWith("serving 3 clients")), table);
        assertTrue(ok("status", "svc").out().contains("status     serving 3 clients"));

        Cli.Result early = steward("run", "--wait-ready", "--", "sh", "-c", "exit 3");
        assertEquals(1, early.code(), early.err());
        assertTrue(early.err().contains("ended before it reported ready"), early.err());

        String beats = ok("beats").out();
        assertTrue(beats.startsWith("PID"), beats);
        assertTrue(json("beats", "--json").get("socketDir").toString().endsWith("/beats"));
    }

    @Test
    void aWatchedSessionsStartTimeout() throws Exception {
        String id = run("run", "--stall-after", "5s", "--start-timeout", "2s", "--", "sleep", "60");
        assertEquals(2000, ((Number) json("status", id, "--json").get("startTimeoutMs")).intValue());
        String status = ok("status", id).out();
        assertTrue(status.contains("heartbeat  stall after 5s (first within 2s), on stall none"), status);
        String dflt = run("run", "--watchdog", "5s", "--", "sleep", "60");
        assertEquals(90_000, ((Number) json("status", dflt, "--json").get("startTimeoutMs")).intValue());
        Cli.Result unwatched = steward("run", "--start-timeout", "2s", "--", "true");
        assertEquals(2, unwatched.code(), unwatched.err());
        assertTrue(unwatched.err().startsWith("steward: --start-timeout: needs --stall-after or --watchdog"), unwatched.err());
    }

    @Test
    void saveAndAUnitThatResurrects() throws Exception {
        run("run", "--name", "keep", "--", "sleep", "60");
        assertEquals(List.of("keep"), json("save", "--json").get("saved"));
        Map<String, Object> r = json("resurrect", "--json");
        assertEquals(List.of("keep"), r.get("running"), "already running: nothing to start");

        String unit = ok("startup").out();
        assertTrue(unit.contains("ExecStart=\"") && unit.contains("/bin/steward\" daemon run --resurrect"), unit);
        assertTrue(unit.contains("Environment=\"STEWARD_HOME=" + env.get("STEWARD_HOME") + "\""), unit);
        Path config = tmp.resolve("config");
        Map<String, String> withConfig = new java.util.HashMap<>(env);
        withConfig.put("XDG_CONFIG_HOME", config.toString());
        Cli.Result installed = Cli.runWith(withConfig, null, "startup", "--install");
        assertEquals(0, installed.code(), installed.err());
        assertEquals(unit, Files.readString(config.resolve("systemd/user/steward.service")));
    }

    @Test
    void logsTailSinceStderrAndJson() throws Exception {
        String id = run("run", "--", "sh", "-c", "printf 'one\\ntwo\\n'; sleep 0.2; echo oops >&2; sleep 0.2; echo three");
        ok("wait", id);
        assertEquals("one\ntwo\noops\nthree\n", ok("logs", id).out(), "both streams, in the order they came");
        assertEquals("oops\nthree\n", ok("logs", id, "--tail", "2").out());
        assertEquals("three\n", ok("logs", id, "--stream", "stdout", "--since", "8").out());
        assertEquals("oops\nthree\n", ok("logs", id, "--since", "8:0").out());
        assertEquals("oops\n", ok("logs", id, "--stream", "stderr").out());
        assertEquals("one\ntwo\nthree\n", ok("logs", id, "--stream", "stdout").out());
        List<Map<String, Object>> pieces = ok("logs", id, "--json").out().lines().map(Json::parseObject).toList();
        assertEquals(List.of("stdout", "stderr", "stdout"), pieces.stream().map(p -> p.get("stream")).toList());
        assertEquals(0L, ((Number) pieces.get(0).get("cursor")).longValue());
        assertEquals(8L, ((Number) pieces.get(0).get("next")).longValue());
        assertEquals(Boolean.TRUE, pieces.get(2).get("eof"));
        assertEquals("oops\n", new String(java.util.Base64.getDecoder().decode((String) pieces.get(1).get("data"))));
        for (String[] bad : List.of(new String[] {"--tail", "-5"}, new String[] {"--since", "8"},
                new String[] {"--since", "x:1"}, new String[] {"--stream", "both"})) {
            List<String> line = new java.util.ArrayList<>(List.of("logs", id));
            line.addAll(List.of(bad));
            Cli.Result r = steward(line.toArray(String[]::new));
            assertEquals(2, r.code(), String.join(" ", bad) + " is refused: " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
    }

    @Test
    void logsTailAfterABurstPastTheRingIsTheLastLine() throws Exception {
        String pipe = run("run", "--ring-bytes", "65536", "--", "sh", "-c", "seq 1 300000; exec sleep 60");
        String pty = run("run", "--pty", "--ring-bytes", "65536", "--", "sh", "-c", "seq 1 300000; exec sleep 60");
        Cli.poll("both bursts in their rings", () -> written(pipe) == 1_988_895 && written(pty) == 2_288_895);
        assertEquals("300000\n", ok("logs", pipe, "--tail", "1").out());
        assertEquals("300000\r\n", ok("logs", pty, "--tail", "1").out());
        ok("kill", pipe);
        ok("kill", pty);
    }

    private long written(String id) {
        try {
            Map<String, Object> s = json("status", id, "--json");
            return ((Number) s.get("bufferedBytes")).longValue() + ((Number) s.get("droppedBytes")).longValue();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void stopWithoutGraceGivesTheSessionItsOwn() throws Exception {
        // TERM is answered after 6 s: within the session's 30 s, past the 5 s a fixed default would give.
        String id = run("run", "--grace", "30s", "--", "sh", "-c",
                "trap 'sleep 6; exit 0' TERM; echo armed; while :; do sleep 0.05; done");
        Cli.poll("trap armed", () -> {
            try {
                return ok("logs", id).out().contains("armed");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String stopped = ok("stop", id, "--wait").out();
        assertTrue(stopped.contains("(soft-exit)"), stopped);
    }

    @Test
    void stopGivesTheGraceToWhatOutlivesTheRoot() throws Exception {
        // The root dies of SIGTERM at once; its child takes a second to finish and must be let.
        Path done = tmp.resolve("F");
        String id = run("run", "--grace", "5s", "--", "sh", "-c",
                "( trap 'sleep 1; touch " + done + "; exit 0' TERM; echo armed; while :; do sleep 0.1; done ) & wait");
        Cli.poll("trap armed", () -> {
            try {
                return ok("logs", id).out().contains("armed");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long t0 = System.nanoTime();
        String stopped = ok("stop", id, "--wait").out();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(Files.exists(done), "stop --wait returned before the child's trap finished: " + stopped);
        assertTrue(stopped.contains("(soft-exit)"), stopped);
        assertTrue(ms >= 1000, "stop --wait took " + ms + " ms"); // soft-exit says the 5 s were not used up
    }

    @Test
    void logsFollowPrintsLinesAsWrittenAndEndsWithTheSession() throws Exception {
        Path gate = tmp.resolve("gate");
        String id = run("run", "--", "sh", "-c", "echo first; while [ ! -e " + gate + " ]; do sleep 0.05; done; echo second");
        ProcessBuilder pb = Cli.builder("logs", id, "--follow").redirectErrorStream(true);
        pb.environment().putAll(env);
        Process follow = pb.start();
        follow.getOutputStream().close();
        try (InputStream out = follow.getInputStream()) {
            assertEquals("first\n", readLine(out));
            Files.createFile(gate);
            assertEquals("second\n", readLine(out));
            assertTrue(follow.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "--follow ends with the session");
            assertEquals(0, follow.exitValue());
        } finally {
            follow.destroyForcibly();
        }
    }

    @Test
    void logsFollowGoesOnThroughRestartsUntilTheSessionEnds() throws Exception {
        // Three runs (the first and two restarts after 0.5 s and 1 s of backoff), then it errors.
        String id = run("run", "--restart", "always", "--max-restarts", "2", "--within", "1m", "--",
                "sh", "-c", "echo run $$");
        ProcessBuilder pb = Cli.builder("logs", id, "--follow").redirectErrorStream(true);
        pb.environment().putAll(env);
        Process follow = pb.start();
        follow.getOutputStream().close();
        try (InputStream out = follow.getInputStream()) {
            java.util.Set<String> runs = new java.util.HashSet<>();
            for (int i = 0; i < 3; i++) {
                String line = readLine(out);
                assertTrue(line.startsWith("run "), line);
                runs.add(line);
            }
            assertEquals(3, runs.size(), "each run's line once, from three processes: " + runs);
            assertTrue(follow.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "--follow ends when the session errors");
            assertEquals(0, follow.exitValue());
            assertEquals("", new String(out.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            follow.destroyForcibly();
        }
        assertTrue(ok("status", id, "--json").out().contains("\"state\":\"errored\""));
    }

    @Test
    void sendStopKillWaitAndExitCodes() throws Exception {
        String cat = run("run", "--", "cat");
        assertEquals("sent 6 bytes", ok("send", cat, "hello").out().strip(), "the line and its newline");
        Cli.Result eof = Cli.runWith(env, "from stdin\n", "send", cat, "-", "--eof");
        assertEquals(0, eof.code(), eof.err());
        Cli.Result waited = steward("wait", cat, "--timeout", "20s");
        assertEquals(0, waited.code(), waited.err());
        assertTrue(waited.out().contains("exited 0 (natural-exit)"), waited.out());
        assertEquals("hello\nfrom stdin\n", ok("logs", cat).out());

        String trap = run("run", "--", "sh", "-c", "trap 'exit 7' USR1; echo armed; while :; do sleep 0.05; done");
        Cli.poll("trap armed", () -> {
            try {
                return ok("logs", trap).out().contains("armed");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        ok("signal", trap, "USR1");
        assertEquals(7, steward("wait", trap).code());

        String slow = run("run", "--", "sleep", "60");
        Map<String, Object> stopped = json("stop", slow, "--grace", "2s", "--wait", "--json");
        assertEquals("soft-exit", stopped.get("outcome"));
        assertEquals("TERM", stopped.get("signal"));
        assertEquals(128 + 15, steward("wait", slow).code());

        String stubborn = run("run", "--", "sh", "-c", "trap '' TERM; exec sleep 60");
        ok("kill", stubborn);
        Cli.Result killed = steward("wait", stubborn, "--json");
        assertEquals(128 + 9, killed.code());
        assertEquals("KILL", Json.parseObject(killed.out()).get("signal"));

        String forever = run("run", "--", "sleep", "60");
        Cli.Result timedOut = steward("wait", forever, "--timeout", "200ms");
        assertEquals(1, timedOut.code());
        assertTrue(timedOut.err().contains("timed out"), timedOut.err());
        ok("kill", forever);
    }

    @Test
    void resizeReachesThePty() throws Exception {
        String sh = run("run", "--pty", "--", "sh");
        ok("resize", sh, "40x120");
        ok("send", sh, "stty size; exit");
        ok("wait", sh, "--timeout", "20s");
        assertTrue(ok("logs", sh).out().contains("40 120"), ok("logs", sh).out());
        Cli.Result bad = steward("resize", sh, "forty");
        assertEquals(2, bad.code());
        assertEquals(1, bad.err().lines().count(), bad.err());
    }

    @Test
    void rmPurgeAndKillOlder() throws Exception {
        String a = run("run", "--", "true");
        String b = run("run", "--", "true");
        ok("wait", a);
        ok("wait", b);
        String live = run("run", "--", "sleep", "60");
        Cli.Result busy = steward("rm", live);
        assertEquals(1, busy.code(), "a live session is a conflict");
        assertTrue(busy.err().startsWith("steward: "), busy.err());
        ok("rm", a);
        assertEquals(3, steward("status", a).code());
        assertEquals(List.of(b), json("purge", "--json").get("released"));
        assertEquals(List.of(live), json("kill-older", "0s", "--json").get("stopped"));
        assertEquals(128 + 15, steward("wait", live).code());
    }

    @Test
    void eventsReplayAsJsonLines() throws Exception {
        String id = run("run", "--name", "ev", "--", "true");
        ok("wait", id);
        List<Map<String, Object>> events = ok("events").out().lines().map(Json::parseObject).toList();
        assertEquals(List.of("started", "exited", "ended"), events.stream().map(e -> e.get("type")).toList());
        assertEquals(id, events.get(1).get("session"));
        assertEquals("natural-exit", events.get(1).get("outcome"));
        assertEquals(id, events.get(2).get("session"), "no restart wanted: the session ended with its process");
    }

    @Test
    void errorsHaveTheirCodesAndOneLine() throws Exception {
        Cli.Result unknown = steward("status", "nosuchsession");
        assertEquals(3, unknown.code());
        assertEquals("steward: no session 'nosuchsession' (no name or id prefix matches)\n", unknown.err());
        Cli.Result badFlag = steward("ls", "--bogus");
        assertEquals(2, badFlag.code());
        assertEquals(1, badFlag.err().lines().count(), badFlag.err());
        Cli.Result badSignal = steward("signal", run("run", "--", "sleep", "60"), "NOPE");
        assertEquals(2, badSignal.code());
        assertEquals(1, badSignal.err().lines().count(), badSignal.err());
        Cli.Result badDuration = steward("run", "--max-lifetime", "soon", "--", "true");
        assertEquals(2, badDuration.code());
        assertEquals(1, badDuration.err().lines().count(), badDuration.err());

        ok("daemon", "stop", "--grace", "1s");
        for (String[] verb : List.of(new String[] {"ls"}, new String[] {"status", "x"}, new String[] {"logs", "abcdef"})) {
            Cli.Result gone = steward(verb);
            assertEquals(4, gone.code(), String.join(" ", verb));
            assertEquals(1, gone.err().lines().count(), gone.err());
            assertTrue(gone.err().contains("steward daemon start"), gone.err());
        }
    }

    @Test
    void runStartsADaemonWhenNoneAnswers() throws Exception {
        ok("daemon", "stop", "--grace", "1s");
        Cli.poll("old daemon gone", () -> ProcessHandle.of(daemonPid).map(h -> !h.isAlive()).orElse(true));
        String id = run("run", "--", "true");
        assertEquals(26, id.length());
        daemonPid = ((Number) json("daemon", "status", "--json").get("pid")).longValue();
        assertTrue(Files.exists(tmp.resolve("home").resolve("daemon.log")));
    }

    @Test
    void completionScriptsComeFromTheCommandModel() throws Exception {
        String bash = ok("completion", "bash").out();
        for (String verb : List.of("run", "ls", "logs", "attach", "kill-older", "completion")) {
            assertTrue(bash.contains(verb), verb);
        }
        assertTrue(bash.contains("complete -F"), "a bash completion function");
        assertTrue(ok("completion", "zsh").out().startsWith("autoload -U +X compinit"));
        assertEquals(2, steward("completion", "fish").code());
    }

    private static String readLine(InputStream in) throws Exception {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            if (c == '\n') {
                break;
            }
        }
        return b.toString();
    }
}
