package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import io.steward.api.RunOption;
import io.steward.api.RunOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flags of {@code run} are the table of run options: names, values, checks, help and completion. */
class RunFlagsTest {
    @TempDir
    Path tmp;

    /** Every flag of the table with a value none of them has by default. */
    private static final List<String> EVERY_FLAG = List.of("--name", "web", "--label", "demo", "--pty", "--rows", "30",
            "--cols", "100", "--cwd", "/srv", "--env", "A=1", "--env", "B=x=y", "--clear-env", "--merge-stderr",
            "--ring-bytes", "64K", "--overflow", "backpressure", "--max-lifetime", "1h", "--idle-timeout", "10m", "--max-memory", "2G",
            "--retain", "30s", "--grace", "250ms", "--restart", "always", "--max-restarts", "3", "--within", "2m",
            "--no-log-file", "--log-timestamps", "--notify", "--watchdog", "5s", "--stall-after", "6s", "--start-timeout", "7s",
            "--on-stall", "stop", "--reload-signal", "USR2", "--observe", "network,process", "--observe", "file");

    private static String body(List<String> flags) {
        List<String> line = new ArrayList<>(List.of("run"));
        line.addAll(flags);
        line.addAll(List.of("--", "sh", "-c", "exit 0"));
        String[] args = line.toArray(String[]::new);
        RunCommand run = (RunCommand) PicocliLine.commandLine(args).parseArgs(args).subcommand().commandSpec().userObject();
        return Json.write(run.body().toJson());
    }

    @Test
    void everyFlagBecomesItsFieldOfTheRequest() {
        for (RunOption<?> o : RunOptions.ALL) {
            assertTrue(o.flag() == null || EVERY_FLAG.contains(o.flag()), o.flag() + " is in the sample");
        }
        assertEquals("{\"argv\":[\"sh\",\"-c\",\"exit 0\"],\"name\":\"web\",\"label\":\"demo\",\"pty\":true,\"rows\":30,"
                + "\"cols\":100,\"cwd\":\"/srv\",\"env\":{\"A\":\"1\",\"B\":\"x=y\"},\"clearEnv\":true,\"mergeStderr\":true,"
                + "\"ringBytes\":65536,\"overflow\":\"backpressure\",\"maxLifetimeMs\":3600000,\"idleTimeoutMs\":600000,\"maxMemoryBytes\":2147483648,"
                + "\"retainMs\":30000,\"graceMs\":250,\"restart\":\"always\",\"maxRestarts\":3,\"restartWindowMs\":120000,"
                + "\"logFile\":false,\"logTimestamps\":true,\"notify\":true,\"watchdogMs\":5000,\"stallAfterMs\":6000,\"startTimeoutMs\":7000,"
                + "\"onStall\":\"stop\",\"reloadSignal\":\"USR2\",\"observe\":[\"process\",\"file\",\"network\"]}",
                body(EVERY_FLAG));
        String world = ",\"cwd\":" + Json.write(CallerWorld.cwd().toString()) + ",\"env\":"
                + Json.write(CallerWorld.environment()) + ",\"clearEnv\":true";
        assertEquals("{\"argv\":[\"sh\",\"-c\",\"exit 0\"]" + world + "}", body(List.of()),
                "a flag not given stays out (the daemon's default), but for our directory and environment");
        assertEquals("{\"argv\":[\"sh\",\"-c\",\"exit 0\"]" + world + ",\"ringBytes\":5000,\"notify\":true}",
                body(List.of("--ring-bytes=5000", "--wait-ready")), "--wait-ready implies notify");
    }

    @Test
    void aBadValueIsOneLineNamingTheFlagAndStartsNothing() throws Exception {
        Map<String, String> env = Map.of("STEWARD_HOME", tmp.resolve("home").toString());
        Map<String, String> refusals = Map.of(
                "--ring-bytes=12", "steward: --ring-bytes: 12 outside 4K..64M\n",
                "--rows=0", "steward: --rows: 0 outside 1..10000\n",
                "--max-memory=512K", "steward: --max-memory: 512K outside 1M..1024G\n",
                "--restart=sometimes", "steward: --restart: expected never, on-failure or always, not 'sometimes'\n",
                "--grace=soon", "steward: --grace: invalid duration 'soon': expected a number with ms, s, m, h or d, e.g. 30s\n",
                "--watchdog=0s", "steward: --watchdog: 0s outside 1ms..3650d\n",
                "--env=NOVALUE", "steward: --env: KEY=VALUE is required, not 'NOVALUE'\n",
                "--name=a/b", "steward: --name: 1-64 characters of letters, digits and . _ @ : -, starting with a letter or"
                        + " digit, not 'a/b'\n");
        for (var r : refusals.entrySet()) {
            Cli.Result result = Cli.runWith(env, null, "run", r.getKey(), "--", "true");
            assertEquals(2, result.code(), r.getKey() + ": " + result.err());
            assertEquals(r.getValue(), result.err());
            assertEquals("", result.out());
        }
        assertFalse(Files.exists(tmp.resolve("home").resolve("daemon.log")), "no daemon was started for a refused run");
    }

    @Test
    void helpAndCompletionListEveryFlag() throws Exception {
        Cli.Result help = Cli.run(null, "run", "--help");
        assertEquals(0, help.code(), help.err());
        String text = help.out().replaceAll("\\s+", " ");
        for (RunOption<?> o : RunOptions.ALL) {
            if (o.flag() != null) {
                assertTrue(text.contains(o.flag() + (o.label() != null ? "=" + o.label() : "")), o.flag() + " in run --help");
                assertTrue(o.label() == null || o.defaultText() == null || text.contains("(default " + o.defaultText() + ")"),
                        o.flag() + "'s default in run --help");
            }
        }
        assertEquals("Backlog per stream, allocated as output arrives: 4K..64M (default 1M).",
                RunCommand.Flags.help(RunOptions.RING_BYTES));
        assertEquals("Variables on top of our environment and the --env-file files, one a flag (repeatable).",
                RunCommand.Flags.help(RunOptions.ENV));

        String bash = Cli.run(null, "completion", "bash").out();
        String runCompletion = bash.substring(bash.indexOf("function _picocli_steward_run()"));
        runCompletion = runCompletion.substring(0, runCompletion.indexOf("\n}\n"));
        List<String> words = Arrays.asList(runCompletion.replaceAll("[\"'()=]", " ").split("\\s+"));
        for (RunOption<?> o : RunOptions.ALL) {
            if (o.flag() != null) {
                assertTrue(words.contains(o.flag()), o.flag() + " completes");
            }
            for (String choice : o.type().choices()) {
                assertTrue(words.contains(choice), o.flag() + " completes " + choice);
            }
        }
    }
}
