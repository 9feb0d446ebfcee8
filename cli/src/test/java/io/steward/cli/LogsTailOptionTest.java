package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.StdStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code logs --tail N} takes a count of lines: a negative one is a usage error, not an empty answer. */
class LogsTailOptionTest {
    @TempDir
    Path tmp;

    private RunningDaemon daemon;

    @BeforeEach
    void start() throws Exception {
        daemon = RunningDaemon.start(tmp.resolve("home"));
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
    }

    @Test
    void aNegativeTailIsRefusedInOneLine() throws Exception {
        String id = daemon.run("argv", List.of("sh", "-c", "printf 'a\\nb\\nc\\n'; exec sleep 600"), "name", "lines");
        Cli.poll("three lines", () -> daemon.client.sessions().output(id, StdStream.STDOUT, 0, 100).data().length == 6);
        for (String n : List.of("-5", "-1")) {
            for (String option : List.of("--tail", "-n")) {
                Cli.Result r = Cli.runWith(daemon.env, null, "logs", "lines", option, n);
                assertEquals(2, r.code(), option + " " + n + ": " + r.out() + r.err());
                assertEquals("", r.out());
                assertEquals("steward: --tail: a number of lines, 0 or more, not " + n + "\n", r.err());
            }
        }
        Cli.Result two = Cli.runWith(daemon.env, null, "logs", "lines", "--tail", "2");
        assertEquals(0, two.code(), two.err());
        assertEquals("b\nc\n", two.out());
        Cli.Result none = Cli.runWith(daemon.env, null, "logs", "lines", "--tail", "0");
        assertEquals(0, none.code(), none.err());
        assertTrue(none.out().isEmpty(), none.out());
    }
}
