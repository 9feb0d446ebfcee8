package io.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The run request body read, checked and written by the table of run options. */
class RunRequestBodyTest {
    /** A body with every option set, none to its default, as JSON. */
    private static final String EVERY_OPTION = """
            {"argv":["sh","-c","exit 3"],"name":"web","label":"demo","pty":true,"rows":40,"cols":120,"cwd":"/srv",\
            "env":{"PORT":"8000","A":"b=c"},"clearEnv":true,"mergeStderr":true,"ringBytes":65536,"overflow":"backpressure",\
            "maxLifetimeMs":3600000,"idleTimeoutMs":600000,"maxMemoryBytes":2147483648,"retainMs":1000,"graceMs":250,"restart":"on-failure",\
            "maxRestarts":5,"restartWindowMs":30000,"logFile":false,"logTimestamps":true,"notify":true,"watchdogMs":2000,\
            "stallAfterMs":3000,"startTimeoutMs":4000,"onStall":"signal:USR1","reloadSignal":"USR2","observe":["process","network"]}""";

    private static StewardException refused(String json) {
        StewardException e = assertThrows(StewardException.class, () -> RunRequestBody.fromJson(Json.parseObject(json)),
                json);
        assertEquals(ErrorCode.INVALID_INPUT, e.code(), json);
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e;
    }

    @Test
    void everyOptionIsReadAndWrittenAgainByteForByte() {
        Map<String, Object> json = Json.parseObject(EVERY_OPTION);
        assertEquals(RunOptions.ALL.stream().map(RunOption::wire).toList(), List.copyOf(json.keySet()),
                "the sample sets every option, in the table's order");
        RunRequestBody body = RunRequestBody.fromJson(json);
        assertEquals(EVERY_OPTION, Json.write(body.toJson()));
        for (RunOption<?> o : RunOptions.ALL) {
            assertEquals(json.get(o.wire()), Json.parse(Json.write(write(o, body))), o.wire() + " lands in its own component");
            assertNotEquals(o.defaultValue(), body.given(o), o.wire() + ": the sample sets no default");
        }
        assertEquals(Duration.ofMillis(250), body.grace());
        assertEquals(Overflow.BACKPRESSURE, body.overflow());
        assertEquals(RestartMode.ON_FAILURE, body.restart());
        assertEquals(Map.of("PORT", "8000", "A", "b=c"), body.env());
    }

    private static <T> Object write(RunOption<T> o, RunRequestBody body) {
        return o.type().write(body.given(o));
    }

    @Test
    void whatWasLeftOutStaysOutAndTakesItsDefault() {
        RunRequestBody body = RunRequestBody.fromJson(Json.parseObject("{\"argv\":[\"true\"]}"));
        assertEquals("{\"argv\":[\"true\"]}", Json.write(body.toJson()));
        assertNull(body.given(RunOptions.GRACE));
        assertEquals(Duration.ofSeconds(5), body.effective(RunOptions.GRACE));
        assertEquals(1024 * 1024, body.effective(RunOptions.RING_BYTES));
        assertEquals(true, body.effective(RunOptions.LOG_FILE));
        assertNull(body.effective(RunOptions.MAX_LIFETIME), "no default: no limit");
    }

    @Test
    void theBuilderMakesWhatTheReaderReads() {
        RunRequestBody built = RunRequestBody.builder(List.of("sleep", "1")).set(RunOptions.RING_BYTES, 4096)
                .set(RunOptions.GRACE, Duration.ofSeconds(2)).set(RunOptions.NAME, "a").set(RunOptions.NAME, null).build();
        assertEquals("{\"argv\":[\"sleep\",\"1\"],\"ringBytes\":4096,\"graceMs\":2000}", Json.write(built.toJson()));
        assertEquals(built, RunRequestBody.fromJson(built.toJson()));
    }

    @Test
    void eachFieldIsCheckedByItsTypeNamingIt() {
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("{\"argv\":[\"true\"],\"bogus\":1}", "unknown field 'bogus'");
        refusals.put("{\"argv\":[\"true\"],\"graceMs\":null}", "graceMs: null is not a value here");
        refusals.put("{\"name\":\"x\"}", "argv: a value is required");
        refusals.put("{\"argv\":[]}", "argv: a non-empty array of strings is required");
        refusals.put("{\"argv\":[\"a\",1]}", "argv[1]: a string is required");
        refusals.put("{\"argv\":[\"a\\u0000b\"]}", "argv[0]: contains a NUL byte");
        refusals.put("{\"argv\":[\"true\"],\"ringBytes\":12}", "ringBytes: 12 outside 4096..67108864");
        refusals.put("{\"argv\":[\"true\"],\"ringBytes\":\"1M\"}", "ringBytes: an integer is required");
        refusals.put("{\"argv\":[\"true\"],\"ringBytes\":123456789012345678901234567890}",
                "ringBytes: 123456789012345678901234567890 outside 4096..67108864");
        refusals.put("{\"argv\":[\"true\"],\"graceMs\":1.5}", "graceMs: an integer is required");
        refusals.put("{\"argv\":[\"true\"],\"graceMs\":-1}", "graceMs: -1 outside 0..315360000000");
        refusals.put("{\"argv\":[\"true\"],\"watchdogMs\":0}", "watchdogMs: 0 outside 1..315360000000");
        refusals.put("{\"argv\":[\"true\"],\"pty\":\"yes\"}", "pty: true or false is required");
        refusals.put("{\"argv\":[\"true\"],\"overflow\":\"drop\"}", "overflow: expected drop-oldest or backpressure, not 'drop'");
        refusals.put("{\"argv\":[\"true\"],\"restart\":\"sometimes\"}",
                "restart: expected never, on-failure or always, not 'sometimes'");
        refusals.put("{\"argv\":[\"true\"],\"name\":\"a b\"}", "name: 1-64 characters of letters");
        refusals.put("{\"argv\":[\"true\"],\"name\":\"" + "n".repeat(65) + "\"}", "name: at most 64 characters");
        refusals.put("{\"argv\":[\"true\"],\"label\":\"" + "l".repeat(257) + "\"}", "label: at most 256 characters");
        refusals.put("{\"argv\":[\"true\"],\"cwd\":\"srv\"}", "cwd: an absolute path is required, not 'srv'");
        refusals.put("{\"argv\":[\"true\"],\"env\":{\"A\":1}}", "env.A: a string is required");
        refusals.put("{\"argv\":[\"true\"],\"env\":{\"A=B\":\"1\"}}", "env name 'A=B': a non-empty name without '='");
        refusals.put("{\"argv\":[\"true\"],\"env\":[\"A=1\"]}", "env: an object of strings is required");
        refusals.put("{\"argv\":[\"true\"],\"onStall\":\"reboot\",\"stallAfterMs\":1000}",
                "onStall: expected none, restart, stop or signal:NAME, not 'reboot'");
        refusals.put("{\"argv\":[\"true\"],\"onStall\":\"a\\nb\"}", "onStall: expected none, restart, stop or signal:NAME, not 'a\\u000ab'");
        for (var r : refusals.entrySet()) {
            String message = refused(r.getKey()).getMessage();
            assertTrue(message.startsWith(r.getValue()), r.getKey() + " -> " + message);
        }
    }

    @Test
    void optionsThatDoNotGoTogetherAreRefused() {
        Map<String, String> refusals = Map.of(
                "{\"argv\":[\"true\"],\"rows\":30}", "rows/cols apply to pty sessions only",
                "{\"argv\":[\"true\"],\"maxRestarts\":3}", "maxRestarts and restartWindowMs need restart on-failure or always",
                "{\"argv\":[\"true\"],\"restart\":\"never\",\"restartWindowMs\":1000}", "maxRestarts and restartWindowMs need",
                "{\"argv\":[\"true\"],\"onStall\":\"restart\"}", "onStall: needs stallAfterMs or watchdogMs",
                "{\"argv\":[\"true\"],\"startTimeoutMs\":1000}", "startTimeoutMs: needs stallAfterMs or watchdogMs");
        for (var r : refusals.entrySet()) {
            String message = refused(r.getKey()).getMessage();
            assertTrue(message.startsWith(r.getValue()), r.getKey() + " -> " + message);
        }
        RunRequestBody.fromJson(Json.parseObject("{\"argv\":[\"true\"],\"onStall\":\"none\",\"rows\":30,\"pty\":true}"));
    }

    @Test
    void textFormsAreCheckedByTheSameTypes() {
        assertEquals(65536, RunOptions.RING_BYTES.type().parse("--ring-bytes", "64K"));
        assertEquals(1024 * 1024, RunOptions.RING_BYTES.type().parse("--ring-bytes", "1M"));
        assertEquals(5000, RunOptions.RING_BYTES.type().parse("--ring-bytes", "5000"));
        for (String m : List.of("64M", "64m", "64MiB", "64MB", "64mb")) {
            assertEquals(64 << 20, RunOptions.RING_BYTES.type().parse("--ring-bytes", m), m);
        }
        assertEquals(8192, RunOptions.RING_BYTES.type().parse("--ring-bytes", "8192B"));
        for (String bad : List.of("64 M", "64MM", "64iB", "M", "64T", "-64K")) {
            assertTrue(parseRefused(RunOptions.RING_BYTES, bad).startsWith("--ring-bytes: a size in bytes is required"), bad);
        }
        assertEquals("--ring-bytes: 1G outside 4K..64M", parseRefused(RunOptions.RING_BYTES, "1G"));
        assertEquals("--ring-bytes: 999999999999G outside 4K..64M", parseRefused(RunOptions.RING_BYTES, "999999999999G"));
        assertTrue(parseRefused(RunOptions.RING_BYTES, "1.5M").startsWith("--ring-bytes: a size in bytes is required"));
        assertEquals(2L << 30, RunOptions.MAX_MEMORY.type().parse("--max-memory", "2G"));
        assertEquals(100L << 20, RunOptions.MAX_MEMORY.type().parse("--max-memory", "100M"));
        assertEquals("--max-memory: 512K outside 1M..1024G", parseRefused(RunOptions.MAX_MEMORY, "512K"));
        assertEquals("--max-memory: 2048G outside 1M..1024G", parseRefused(RunOptions.MAX_MEMORY, "2048G"));
        assertTrue(parseRefused(RunOptions.MAX_MEMORY, "lots").startsWith("--max-memory: a size in bytes is required"));
        assertEquals(Duration.ofSeconds(90), RunOptions.START_TIMEOUT.type().parse("--start-timeout", "90s"));
        assertEquals("--watchdog: 0s outside 1ms..3650d", parseRefused(RunOptions.WATCHDOG, "0s"));
        assertEquals("--grace: 999999999999d outside 0s..3650d", parseRefused(RunOptions.GRACE, "999999999999d"));
        assertTrue(parseRefused(RunOptions.GRACE, "soon").startsWith("--grace: invalid duration 'soon'"));
        assertEquals("--rows: 0 outside 1..10000", parseRefused(RunOptions.ROWS, "0"));
        assertEquals("--rows: an integer is required, not 'many'", parseRefused(RunOptions.ROWS, "many"));
        assertEquals(Map.of("A", "1", "B", "x=y"), RunOptions.ENV.type().parseAll("--env", List.of("A=1", "B=x=y")));
        assertEquals("--env: KEY=VALUE is required, not '=1'", assertThrows(StewardException.class,
                () -> RunOptions.ENV.type().parseAll("--env", List.of("=1"))).getMessage());
        assertEquals(false, RunOptions.LOG_FILE.type().parse("log-file", "false"));
    }

    private static String parseRefused(RunOption<?> o, String text) {
        StewardException e = assertThrows(StewardException.class, () -> o.type().parse(o.flag(), text), text);
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        return e.getMessage();
    }

    @Test
    void theTableNamesEachOptionOnceAndAlike() {
        Set<String> names = new HashSet<>();
        for (RunOption<?> o : RunOptions.ALL) {
            assertTrue(o.wire().matches("[a-z][A-Za-z]*"), o.wire() + ": camelCase on the wire");
            assertTrue(o.key().matches("[a-z]+(-[a-z]+)*"), o.key() + ": kebab-case in an apps file");
            assertTrue(names.add(o.wire()) && names.add(o.key() + "#key"), o.wire());
            assertEquals(o.type() instanceof MillisType, o.wire().endsWith("Ms"), o.wire() + ": durations end in Ms");
            assertFalse(o.doc().isBlank() || o.doc().endsWith("."), o.wire() + ": one line, the help adds the stop");
            if (o.flag() != null) {
                assertTrue(o.flag().equals("--" + o.key()) || o.flag().equals("--no-" + o.key()),
                        o.flag() + " is the key as a flag");
                assertEquals(o.type() instanceof BoolType, o.label() == null, o.flag() + ": a flag takes no value");
            }
            assertEquals(o, RunOptions.byWire(o.wire()).orElseThrow());
            assertEquals(o, RunOptions.byKey(o.key()).orElseThrow());
        }
        assertEquals(RunOptions.ALL.size() - 1, RunOptions.ALL.stream().filter(o -> o.flag() != null).count(),
                "every option but the command has a flag");
    }
}
