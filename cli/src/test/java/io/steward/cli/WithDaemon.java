package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.steward.api.Json;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test that drives the CLI against a daemon of its own, started before each test and stopped after. */
abstract class WithDaemon {
    @TempDir
    Path tmp;

    RunningDaemon daemon;
    Map<String, String> env;

    @BeforeEach
    void startDaemon() throws Exception {
        daemon = RunningDaemon.start(tmp.resolve("home"));
        env = daemon.env;
    }

    @AfterEach
    void stopDaemon() throws Exception {
        daemon.close();
    }

    /** The CLI in this JVM, with the daemon's home and {@code stdin} (null: none). */
    Cli.Result stewardWithStdin(String stdin, String... args) throws Exception {
        return Cli.runWith(env, stdin, args);
    }

    Cli.Result steward(String... args) throws Exception {
        return Cli.runWith(env, null, args);
    }

    /** Waits until {@code logs REF} prints exactly {@code expected}. */
    void pollLogs(String ref, String expected) throws InterruptedException {
        Cli.poll(ref + "'s logs to read " + expected.strip().replace('\n', ' '), () -> {
            try {
                return ok("logs", ref).equals(expected);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Waits until {@code status REF} says {@code state}. */
    void pollState(String ref, String state) throws InterruptedException {
        Cli.poll(ref + " " + state, () -> {
            try {
                return state.equals(status(ref).get("state"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** {@code status REF --json}, read. */
    Map<String, Object> status(String ref) throws Exception {
        return Json.parseObject(ok("status", ref, "--json"));
    }

    /** The CLI's output, asserting it exited 0. */
    String ok(String... args) throws Exception {
        Cli.Result r = steward(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
        return r.out();
    }
}
