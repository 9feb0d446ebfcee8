package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.RunOption;
import io.steward.api.RunOptions;
import io.steward.api.StewardException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys of an apps file are the table of run options, checked by the same types as the flags. */
class AppsFileTest {
    @TempDir
    Path tmp;

    /** Every key of the table with a value none of them has by default. */
    private static final String EVERY_KEY = """
            [[app]]
            name = "web"
            argv = ["sh", "-c", "exit 0"]
            label = "demo"
            pty = true
            rows = 30
            cols = 100
            cwd = "/srv"
            clear-env = true
            merge-stderr = true
            ring-bytes = "64K"
            overflow = "backpressure"
            max-lifetime = "1h"
            idle-timeout = "10m"
            max-memory = "2G"
            retain = "30s"
            grace = "250ms"
            restart = "always"
            max-restarts = 3
            within = "2m"
            log-file = false
            log-timestamps = true
            notify = true
            watchdog = "5s"
            stall-after = "6s"
            start-timeout = "7s"
            on-stall = "stop"
            reload-signal = "USR2"
            observe = ["all"]
            ready-port = 8080
            ready-timeout = "2s"
            [app.env]
            A = "1"
            """;

    private AppsFile read(String text) throws Exception {
        Path f = tmp.resolve("apps.toml");
        Files.writeString(f, text);
        return AppsFile.read(f, "apps.toml");
    }

    private String refused(String text) {
        StewardException e = assertThrows(StewardException.class, () -> read(text));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void everyKeyBecomesItsFieldOfTheRequest() throws Exception {
        for (RunOption<?> o : RunOptions.ALL) {
            assertTrue(EVERY_KEY.contains("\n" + o.key() + " = ") || EVERY_KEY.contains("[app." + o.key() + "]"),
                    o.key() + " is in the sample");
        }
        Map<String, Object> app = read(EVERY_KEY).apps.getFirst();
        assertEquals("{\"argv\":[\"sh\",\"-c\",\"exit 0\"],\"name\":\"web\",\"label\":\"demo\",\"pty\":true,\"rows\":30,"
                + "\"cols\":100,\"cwd\":\"/srv\",\"env\":{\"A\":\"1\"},\"clearEnv\":true,\"mergeStderr\":true,"
                + "\"ringBytes\":65536,\"overflow\":\"backpressure\",\"maxLifetimeMs\":3600000,\"idleTimeoutMs\":600000,\"maxMemoryBytes\":2147483648,"
                + "\"retainMs\":30000,\"graceMs\":250,\"restart\":\"always\",\"maxRestarts\":3,\"restartWindowMs\":120000,"
                + "\"logFile\":false,\"logTimestamps\":true,\"notify\":true,\"watchdogMs\":5000,\"stallAfterMs\":6000,\"startTimeoutMs\":7000,"
                + "\"onStall\":\"stop\",\"reloadSignal\":\"USR2\",\"observe\":[\"process\",\"file\",\"network\"]}",
                Json.write(app.get("request")));
        assertEquals(8080L, app.get("readyPort"));
        assertEquals(2000L, app.get("readyTimeoutMs"));

        Map<String, Object> plain = read("[[app]]\nname = \"db\"\ncmd = \"sleep 60\"\nring-bytes = 8192\n").apps.getFirst();
        assertEquals("{\"argv\":[\"sh\",\"-c\",\"sleep 60\"],\"name\":\"db\",\"ringBytes\":8192,\"restart\":\"on-failure\"}",
                Json.write(plain.get("request")), "an app restarts on failure unless the file says otherwise");
    }

    @Test
    void aBadValueNamesTheFileTheLineAndTheKey() {
        String app = "[[app]]\nname = \"api\"\ncmd = \"sleep 60\"\n";
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put(app + "ring-bytes = 12\n", "apps.toml:4: app \"api\": ring-bytes: 12 outside 4K..64M");
        refusals.put(app + "ring-bytes = 1.5\n", "apps.toml:4: app \"api\": 'ring-bytes' must be an integer, not a float");
        refusals.put(app + "max-memory = \"lots\"\n",
                "apps.toml:4: app \"api\": max-memory: a size in bytes is required, e.g. 65536, 64K or 1M, not 'lots'");
        refusals.put(app + "rows = \"40\"\n", "apps.toml:4: app \"api\": 'rows' must be an integer, not a string");
        refusals.put(app + "\nwatchdog = \"0s\"\n", "apps.toml:5: app \"api\": watchdog: 0s outside 1ms..3650d");
        refusals.put(app + "grace = 5\n", "apps.toml:4: app \"api\": 'grace' must be a string, not an integer");
        refusals.put(app + "overflow = \"drop\"\n",
                "apps.toml:4: app \"api\": overflow: expected drop-oldest or backpressure, not 'drop'");
        refusals.put(app + "log-file = \"no\"\n", "apps.toml:4: app \"api\": 'log-file' must be true or false, not a string");
        refusals.put(app + "restrat = \"always\"\n", "apps.toml:4: app \"api\": unknown key 'restrat'");
        refusals.put(app + "[app.env]\n\"A=B\" = \"1\"\n", "apps.toml:5: app \"api\": 'env.A=B': a name without '=' is required");
        refusals.put("[[app]]\nname = \"a b\"\ncmd = \"x\"\n", "apps.toml:2: app \"a b\": name: 1-64 characters of letters");
        for (var r : refusals.entrySet()) {
            String message = refused(r.getKey());
            assertTrue(message.startsWith(r.getValue()), r.getKey() + " -> " + message);
        }
    }

    @Test
    void pathsInTheFileAreUnderItsDirectoryWhereverApplyRuns() throws Exception {
        Files.writeString(tmp.resolve("common.env"), "export A=from-file\nB=\"two words\"\n");
        Files.createDirectories(tmp.resolve("conf"));
        Files.writeString(tmp.resolve("conf/local.env"), "B=local\n");
        Map<String, Object> app = read("""
                [[app]]
                name = "web"
                argv = ["./bin/../web", "--port", "./not-a-program"]
                cwd = "srv/web"
                env-file = ["common.env", "conf/local.env"]
                [app.env]
                C = "table"
                """).apps.getFirst();
        assertEquals("{\"argv\":[\"" + tmp.resolve("web") + "\",\"--port\",\"./not-a-program\"],\"name\":\"web\","
                + "\"cwd\":\"" + tmp.resolve("srv/web") + "\",\"env\":{\"A\":\"from-file\",\"B\":\"local\",\"C\":\"table\"},"
                + "\"restart\":\"on-failure\"}", Json.write(app.get("request")),
                "no variable of whoever applies it; a later env-file wins, the env table over them");

        Map<String, Object> plain = read("[[app]]\nname = \"db\"\nargv = [\"postgres\"]\ncwd = \"/srv\"\n").apps.getFirst();
        assertEquals("{\"argv\":[\"postgres\"],\"name\":\"db\",\"cwd\":\"/srv\",\"restart\":\"on-failure\"}",
                Json.write(plain.get("request")), "a program on PATH and an absolute cwd stay as written");

        String app1 = "[[app]]\nname = \"api\"\ncmd = \"true\"\n";
        assertEquals("apps.toml:4: app \"api\": 'env-file' none.env: no such file", refused(app1 + "env-file = \"none.env\"\n"));
        Files.writeString(tmp.resolve("bad.env"), "A=1\nA B\n");
        assertEquals("apps.toml:4: app \"api\": 'env-file' bad.env:2: expected KEY=value, not 'A B'",
                refused(app1 + "env-file = \"bad.env\"\n"));
    }
}
