package io.steward.daemon;

import io.steward.api.ErrorCode;
import io.steward.api.Overflow;
import io.steward.api.StewardException;
import io.steward.core.ProcessSpec;
import io.steward.core.Ring;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /v1/sessions}: {@code run}'s options in camelCase, the command as
 * {@code argv}. Parsing is strict: an unknown field or a value of the wrong type is an
 * {@code invalid-input} error naming it, so a typo never silently falls back to a default.
 *
 * @param maxLifetime stop (soft, then hard) after this long; null for none
 * @param idleTimeout stop after this long without output or client activity; null for none
 * @param retain keep the exited session this long before releasing it
 * @param notifySocket give the session an sd_notify socket ({@code NOTIFY_SOCKET}) and expect {@code READY=1}
 *     (a watchdog gives it the socket too, without expecting readiness)
 * @param watchdog the sd_notify watchdog interval ({@code WATCHDOG_USEC}); null for none
 * @param stallAfter silence after which the session is stalled; null: the watchdog's, or not watched
 * @param startTimeout how long a watched session may take to give its first proof of life; null: the default
 * @param onStall what to do when it stalls
 * @param restart whether, when and how often a process that ended by itself is started again
 * @param logFile write its output to log files under {@code $STEWARD_HOME/logs} too
 * @param body the request as it came, kept to start the same session again ({@code resurrect})
 */
record RunRequest(ProcessSpec spec, String name, String label, Duration maxLifetime, Duration idleTimeout,
        Duration retain, Duration grace, boolean notifySocket, Duration watchdog, Duration stallAfter, Duration startTimeout, StallAction onStall,
        RestartPolicy restart, boolean logFile, Map<String, Object> body) {

    static final Duration DEFAULT_RETAIN = Duration.ofMinutes(5);
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
    /** systemd's default {@code TimeoutStartSec=}. */
    static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);

    private static final Set<String> FIELDS = Set.of("argv", "name", "label", "pty", "rows", "cols", "cwd", "env",
            "clearEnv", "mergeStderr", "ringBytes", "overflow", "maxLifetimeMs", "idleTimeoutMs", "retainMs",
            "graceMs", "restart", "logFile", "maxRestarts", "restartWindowMs", "notify", "watchdogMs", "stallAfterMs", "startTimeoutMs", "onStall");

    static RunRequest parse(Map<String, Object> body) {
        for (String k : body.keySet()) {
            if (!FIELDS.contains(k)) {
                throw invalid("unknown field '" + k + "'");
            }
        }
        List<String> argv = strings(body, "argv");
        if (argv == null || argv.isEmpty()) {
            throw invalid("argv: a non-empty array of strings is required");
        }
        ProcessSpec.Builder b = ProcessSpec.builder(argv);
        boolean pty = bool(body, "pty", false);
        Long rows = integer(body, "rows");
        Long cols = integer(body, "cols");
        if (pty) {
            b.pty(size("rows", rows, 24), size("cols", cols, 80));
        } else if (rows != null || cols != null) {
            throw invalid("rows/cols apply to pty sessions only");
        }
        String cwd = string(body, "cwd");
        if (cwd != null) {
            if (!cwd.startsWith("/")) {
                throw invalid("cwd: an absolute path is required");
            }
            b.cwd(Path.of(cwd));
        }
        Object env = body.get("env");
        if (env != null) {
            if (!(env instanceof Map<?, ?> m)) {
                throw invalid("env: an object of strings is required");
            }
            Map<String, String> vars = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof String v)) {
                    throw invalid("env." + e.getKey() + ": a string is required");
                }
                vars.put((String) e.getKey(), v);
            }
            b.env(vars);
        }
        b.clearEnv(bool(body, "clearEnv", false));
        b.mergeStderr(bool(body, "mergeStderr", false));
        Long ring = integer(body, "ringBytes");
        if (ring != null) {
            if (ring < Ring.MIN_CAPACITY || ring > Ring.MAX_CAPACITY) {
                throw invalid("ringBytes: " + ring + " outside " + Ring.MIN_CAPACITY + ".." + Ring.MAX_CAPACITY);
            }
            b.ringBytes(ring.intValue());
        }
        String overflow = string(body, "overflow");
        if (overflow != null) {
            b.overflow(Overflow.fromWire(overflow)
                    .orElseThrow(() -> invalid("overflow: expected drop-oldest or backpressure")));
        }
        RestartPolicy restart = RestartPolicy.parse(string(body, "restart"), integer(body, "maxRestarts"),
                duration(body, "restartWindowMs"));
        String name = string(body, "name");
        if (name != null && !SessionIds.isValidName(name)) {
            throw invalid("name: 1-64 characters of letters, digits and . _ @ : -, starting with a letter or digit");
        }
        if (name != null && SessionIds.isFullId(name)) {
            throw invalid("name: must not look like a session id");
        }
        String label = string(body, "label");
        if (label != null && label.length() > 256) {
            throw invalid("label: at most 256 characters");
        }
        Duration watchdog = positive(body, "watchdogMs");
        Duration stallAfter = positive(body, "stallAfterMs");
        String onStallText = string(body, "onStall");
        StallAction onStall = onStallText != null ? StallAction.parse(onStallText) : StallAction.NONE;
        if (onStall != StallAction.NONE && watchdog == null && stallAfter == null) {
            throw invalid("onStall: needs stallAfterMs or watchdogMs, the silence that makes a stall");
        }
        Duration startTimeout = positive(body, "startTimeoutMs");
        if (startTimeout != null && watchdog == null && stallAfter == null) {
            throw invalid("startTimeoutMs: needs stallAfterMs or watchdogMs: only a watched session has a first proof to wait for");
        }
        if (watchdog != null) {
            b.pidVariable("WATCHDOG_PID");
        }
        return new RunRequest(b.build(), name, label, duration(body, "maxLifetimeMs"), duration(body, "idleTimeoutMs"),
                orDefault(duration(body, "retainMs"), DEFAULT_RETAIN), orDefault(duration(body, "graceMs"), DEFAULT_GRACE),
                bool(body, "notify", false), watchdog, stallAfter, startTimeout, onStall, restart, bool(body, "logFile", true), Map.copyOf(body));
    }

    /** The session's heartbeat state as these options ask for it. */
    Vitals vitals() {
        Duration threshold = stallAfter != null ? stallAfter : watchdog;
        return new Vitals(threshold != null ? threshold.toNanos() : 0,
                orDefault(startTimeout, DEFAULT_START_TIMEOUT).toNanos(), watchdog != null ? watchdog.toNanos() / 1000 : 0,
                onStall, notifySocket);
    }

    /** Whether the session gets an sd_notify socket: asked for, or needed by the watchdog. */
    boolean needsNotifySocket() {
        return notifySocket || watchdog != null;
    }

    private static Duration positive(Map<String, Object> body, String field) {
        Duration d = duration(body, field);
        if (d != null && d.toMillis() < 1) {
            throw invalid(field + ": at least 1 millisecond");
        }
        return d;
    }

    private static Duration orDefault(Duration d, Duration dflt) {
        return d != null ? d : dflt;
    }

    private static int size(String field, Long v, int dflt) {
        if (v == null) {
            return dflt;
        }
        if (v < 1 || v > 10_000) {
            throw invalid(field + ": " + v + " outside 1..10000");
        }
        return v.intValue();
    }

    static StewardException invalid(String message) {
        return new StewardException(ErrorCode.INVALID_INPUT, message);
    }

    static String string(Map<String, Object> body, String field) {
        Object v = body.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw invalid(field + ": a string is required");
        }
        return s;
    }

    static boolean bool(Map<String, Object> body, String field, boolean dflt) {
        Object v = body.get(field);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw invalid(field + ": true or false is required");
        }
        return b;
    }

    static Long integer(Map<String, Object> body, String field) {
        Object v = body.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Long l)) {
            throw invalid(field + ": an integer is required");
        }
        return l;
    }

    static Duration duration(Map<String, Object> body, String field) {
        Long ms = integer(body, field);
        if (ms == null) {
            return null;
        }
        if (ms < 0 || ms > Duration.ofDays(3650).toMillis()) {
            throw invalid(field + ": " + ms + " is not a duration in milliseconds");
        }
        return Duration.ofMillis(ms);
    }

    private static List<String> strings(Map<String, Object> body, String field) {
        Object v = body.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> l)) {
            throw invalid(field + ": an array of strings is required");
        }
        List<String> out = new ArrayList<>(l.size());
        for (Object o : l) {
            if (!(o instanceof String s)) {
                throw invalid(field + ": an array of strings is required");
            }
            out.add(s);
        }
        return out;
    }
}
