package io.steward.daemon;

import io.steward.api.ErrorCode;
import io.steward.api.Overflow;
import io.steward.api.StewardException;
import io.steward.core.ProcessSpec;
import io.steward.core.Ring;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
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

    static RunRequest parse(Map<String, Object> raw) {
        JsonBody body = JsonBody.of(raw, FIELDS);
        List<String> argv = body.cStrings("argv");
        if (argv == null || argv.isEmpty()) {
            throw invalid("argv: a non-empty array of strings is required");
        }
        ProcessSpec.Builder b = ProcessSpec.builder(argv);
        boolean pty = body.bool("pty", false);
        Long rows = body.integer("rows", 1, 10_000);
        Long cols = body.integer("cols", 1, 10_000);
        if (pty) {
            b.pty(rows != null ? rows.intValue() : 24, cols != null ? cols.intValue() : 80);
        } else if (rows != null || cols != null) {
            throw invalid("rows/cols apply to pty sessions only");
        }
        String cwd = body.cString("cwd");
        if (cwd != null) {
            b.cwd(directory(cwd));
        }
        Map<String, String> env = body.cStringMap("env");
        if (env != null) {
            b.env(env);
        }
        b.clearEnv(body.bool("clearEnv", false));
        b.mergeStderr(body.bool("mergeStderr", false));
        Long ring = body.integer("ringBytes", Ring.MIN_CAPACITY, Ring.MAX_CAPACITY);
        if (ring != null) {
            b.ringBytes(ring.intValue());
        }
        String overflow = body.string("overflow");
        if (overflow != null) {
            b.overflow(Overflow.fromWire(overflow)
                    .orElseThrow(() -> invalid("overflow: expected drop-oldest or backpressure")));
        }
        RestartPolicy restart = RestartPolicy.parse(body.string("restart"), body.integer("maxRestarts", 1, 1_000_000),
                body.duration("restartWindowMs"));
        String name = body.string("name");
        if (name != null && !SessionIds.isValidName(name)) {
            throw invalid("name: 1-64 characters of letters, digits and . _ @ : -, starting with a letter or digit");
        }
        if (name != null && SessionIds.isFullId(name)) {
            throw invalid("name: must not look like a session id");
        }
        String label = body.string("label");
        if (label != null && label.length() > 256) {
            throw invalid("label: at most 256 characters");
        }
        Duration watchdog = body.duration("watchdogMs", 1);
        Duration stallAfter = body.duration("stallAfterMs", 1);
        String onStallText = body.string("onStall");
        StallAction onStall = onStallText != null ? StallAction.parse(onStallText) : StallAction.NONE;
        if (onStall != StallAction.NONE && watchdog == null && stallAfter == null) {
            throw invalid("onStall: needs stallAfterMs or watchdogMs, the silence that makes a stall");
        }
        Duration startTimeout = body.duration("startTimeoutMs", 1);
        if (startTimeout != null && watchdog == null && stallAfter == null) {
            throw invalid("startTimeoutMs: needs stallAfterMs or watchdogMs: only a watched session has a first proof to wait for");
        }
        if (watchdog != null) {
            b.pidVariable("WATCHDOG_PID");
        }
        return new RunRequest(b.build(), name, label, body.duration("maxLifetimeMs"), body.duration("idleTimeoutMs"),
                orDefault(body.duration("retainMs"), DEFAULT_RETAIN), orDefault(body.duration("graceMs"), DEFAULT_GRACE),
                body.bool("notify", false), watchdog, stallAfter, startTimeout, onStall, restart, body.bool("logFile", true),
                Map.copyOf(raw));
    }

    /**
     * The working directory, checked before it is used: absolute, and a path this JVM can name (its
     * file name encoding may be narrower than UTF-8). Whether it exists is the spawn's to say, with
     * its errno.
     */
    private static Path directory(String cwd) {
        if (!cwd.startsWith("/")) {
            throw invalid("cwd: an absolute path is required");
        }
        try {
            return Path.of(cwd);
        } catch (InvalidPathException e) {
            throw invalid("cwd: not a usable path: " + e.getReason());
        }
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

    private static Duration orDefault(Duration d, Duration dflt) {
        return d != null ? d : dflt;
    }

    static StewardException invalid(String message) {
        return new StewardException(ErrorCode.INVALID_INPUT, message);
    }
}
