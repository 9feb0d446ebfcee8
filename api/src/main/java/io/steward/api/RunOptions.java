package io.steward.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The options of {@code run}, declared once: the daemon's request body ({@link RunRequestBody}),
 * the CLI's flags, the keys of an apps file, the shell completion and the RunRequest schema of
 * openapi.yaml all come from this table, so a name, a type, a default or a range cannot differ
 * between them. The order is the order of the body's fields and of the CLI's help.
 */
public final class RunOptions {
    /** What a session name may be: it is also a log file's name, so no slash and no leading dot. */
    public static final Pattern NAME_FORM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,63}");

    private static final BoolType BOOL = new BoolType();
    private static final MillisType DURATION = new MillisType(0);
    private static final MillisType POSITIVE_DURATION = new MillisType(1);
    private static final IntType TERMINAL_SIZE = new IntType(1, 10_000);

    public static final RunOption<List<String>> ARGV = new RunOption<>("argv", null, "argv", "CMD",
            new TextListType(1, true), null, RunRequestBody::argv,
            "The command and its arguments");
    public static final RunOption<String> NAME = new RunOption<>("name", "--name", "name", "N",
            new TextType(64, false, NAME_FORM, "1-64 characters of letters, digits and . _ @ : -, starting with a letter or digit"),
            null, RunRequestBody::name, "A unique name among running sessions");
    public static final RunOption<String> LABEL = new RunOption<>("label", "--label", "label", "L",
            new TextType(256), null, RunRequestBody::label, "A free-form label, for ls --label");
    public static final RunOption<Boolean> PTY = new RunOption<>("pty", "--pty", "pty", null,
            BOOL, false, RunRequestBody::pty, "Run in a pseudo-terminal instead of pipes");
    public static final RunOption<Integer> ROWS = new RunOption<>("rows", "--rows", "rows", "R",
            TERMINAL_SIZE, 24, RunRequestBody::rows, "Terminal rows, with a pty");
    public static final RunOption<Integer> COLS = new RunOption<>("cols", "--cols", "cols", "C",
            TERMINAL_SIZE, 80, RunRequestBody::cols, "Terminal columns, with a pty");
    public static final RunOption<String> CWD = new RunOption<>("cwd", "--cwd", "cwd", "DIR",
            new TextType(TextType.UNLIMITED, true, Pattern.compile("/.*", Pattern.DOTALL),
                    "an absolute path is required"),
            null, RunRequestBody::cwd, "Working directory, absolute (the daemon's unless set)");
    public static final RunOption<Map<String, String>> ENV = new RunOption<>("env", "--env", "env", "K=V",
            new TextMapType(true), null, RunRequestBody::env,
            "Variables on top of the daemon's environment");
    public static final RunOption<Boolean> CLEAR_ENV = new RunOption<>("clearEnv", "--clear-env", "clear-env", null,
            BOOL, false, RunRequestBody::clearEnv, "Start from an empty environment instead of the daemon's");
    public static final RunOption<Boolean> MERGE_STDERR = new RunOption<>("mergeStderr", "--merge-stderr",
            "merge-stderr", null, BOOL, false, RunRequestBody::mergeStderr, "stderr into the stdout ring");
    public static final RunOption<Integer> RING_BYTES = new RunOption<>("ringBytes", "--ring-bytes", "ring-bytes", "SIZE",
            new BytesType(4 * 1024, 64 * 1024 * 1024), 1024 * 1024, RunRequestBody::ringBytes,
            "Backlog per stream, allocated as output arrives");
    public static final RunOption<Long> MAX_MEMORY = new RunOption<>("maxMemoryBytes", "--max-memory", "max-memory", "SIZE",
            new LongBytesType(1024 * 1024, 1L << 40), null, RunRequestBody::maxMemory,
            "Restart it (stop it without a restart policy) when its whole tree's resident memory stays above this for two samples");
    public static final RunOption<Overflow> OVERFLOW = new RunOption<>("overflow", "--overflow", "overflow", "MODE",
            new ChoiceType<>(List.of(Overflow.values())), Overflow.DROP_OLDEST, RunRequestBody::overflow,
            "What a full ring does: drop its oldest bytes, or make the program wait for its readers");
    public static final RunOption<Duration> MAX_LIFETIME = new RunOption<>("maxLifetimeMs", "--max-lifetime",
            "max-lifetime", "D", DURATION, null, RunRequestBody::maxLifetime, "Stop it after this long");
    public static final RunOption<Duration> IDLE_TIMEOUT = new RunOption<>("idleTimeoutMs", "--idle-timeout",
            "idle-timeout", "D", DURATION, null, RunRequestBody::idleTimeout,
            "Stop it after this long without output or client activity");
    public static final RunOption<Duration> RETAIN = new RunOption<>("retainMs", "--retain", "retain", "D",
            DURATION, Duration.ofMinutes(5), RunRequestBody::retain, "Keep it this long after it exits, then release it");
    public static final RunOption<Duration> GRACE = new RunOption<>("graceMs", "--grace", "grace", "D",
            DURATION, Duration.ofSeconds(5), RunRequestBody::grace,
            "Between SIGTERM and SIGKILL when it is stopped: by a limit, by apply, or by stop without --grace");
    public static final RunOption<RestartMode> RESTART = new RunOption<>("restart", "--restart", "restart", "POLICY",
            new ChoiceType<>(List.of(RestartMode.values())), RestartMode.NEVER, RunRequestBody::restart,
            "Start it again when it ends by itself, after a backoff of 500ms doubling to 30s");
    public static final RunOption<Integer> MAX_RESTARTS = new RunOption<>("maxRestarts", "--max-restarts",
            "max-restarts", "N", new IntType(1, 1_000_000), null, RunRequestBody::maxRestarts,
            "With a restart policy: give up (phase errored) after this many restarts within the window");
    public static final RunOption<Duration> RESTART_WINDOW = new RunOption<>("restartWindowMs", "--within", "within",
            "D", POSITIVE_DURATION, Duration.ofMinutes(1), RunRequestBody::restartWindow,
            "The window of the restarts counted against the maximum");
    public static final RunOption<Boolean> LOG_FILE = new RunOption<>("logFile", "--no-log-file", "log-file", null,
            BOOL, true, RunRequestBody::logFile, "Write its output to rotated log files under STEWARD_HOME/logs too");
    public static final RunOption<Boolean> LOG_TIMESTAMPS = new RunOption<>("logTimestamps", "--log-timestamps",
            "log-timestamps", null, BOOL, false, RunRequestBody::logTimestamps,
            "Keep when each byte arrived beside its log files too, for logs --timestamps once the ring moved on");
    public static final RunOption<Boolean> NOTIFY = new RunOption<>("notify", "--notify", "notify", null,
            BOOL, false, RunRequestBody::notifySocket,
            "Give it an sd_notify socket (NOTIFY_SOCKET) and expect READY=1; STATUS= and WATCHDOG=1 work too");
    public static final RunOption<Duration> WATCHDOG = new RunOption<>("watchdogMs", "--watchdog", "watchdog", "D",
            POSITIVE_DURATION, null, RunRequestBody::watchdog,
            "sd_notify watchdog: WATCHDOG_USEC and WATCHDOG_PID set; no WATCHDOG=1 for this long is a stall");
    public static final RunOption<Duration> STALL_AFTER = new RunOption<>("stallAfterMs", "--stall-after",
            "stall-after", "D", POSITIVE_DURATION, null, RunRequestBody::stallAfter,
            "No proof of life (VLP beat or WATCHDOG=1) for this long is a stall (the watchdog's unless set)");
    public static final RunOption<Duration> START_TIMEOUT = new RunOption<>("startTimeoutMs", "--start-timeout",
            "start-timeout", "D", POSITIVE_DURATION, Duration.ofSeconds(90), RunRequestBody::startTimeout,
            "With a stall threshold: no first proof of life (or READY=1) this long after a start is a stall");
    public static final RunOption<String> ON_STALL = new RunOption<>("onStall", "--on-stall", "on-stall", "ACTION",
            new TextType(64, false, Pattern.compile("(none|restart|stop|signal:.+)"),
                    "expected none, restart, stop or signal:NAME"),
            "none", RunRequestBody::onStall, "What to do when it stalls: none, restart, stop or signal:NAME (needs a stall threshold)");
    public static final RunOption<String> RELOAD_SIGNAL = new RunOption<>("reloadSignal", "--reload-signal",
            "reload-signal", "SIG", new TextType(16, false, Pattern.compile("[A-Za-z0-9]+"),
                    "a signal name (with or without SIG) or a number"),
            "HUP", RunRequestBody::reloadSignal, "What steward reload sends to its main process");
    public static final RunOption<List<String>> OBSERVE = new RunOption<>("observe", "--observe", "observe", "CATS",
            new ObserveType(), null, RunRequestBody::observe,
            "Report what its tree does as events: process (fork, exec, exit), file (fanotify, as root), network (connections), or all");

    /** Every option, in the body's order. */
    public static final List<RunOption<?>> ALL = List.of(ARGV, NAME, LABEL, PTY, ROWS, COLS, CWD, ENV, CLEAR_ENV,
            MERGE_STDERR, RING_BYTES, OVERFLOW, MAX_LIFETIME, IDLE_TIMEOUT, MAX_MEMORY, RETAIN, GRACE, RESTART, MAX_RESTARTS,
            RESTART_WINDOW, LOG_FILE, LOG_TIMESTAMPS, NOTIFY, WATCHDOG, STALL_AFTER, START_TIMEOUT, ON_STALL, RELOAD_SIGNAL,
            OBSERVE);

    /** The options a body must give. */
    public static final List<RunOption<?>> REQUIRED = List.of(ARGV);

    private static final Map<String, RunOption<?>> BY_WIRE = index(RunOption::wire);
    private static final Map<String, RunOption<?>> BY_FLAG = index(RunOption::flag);
    private static final Map<String, RunOption<?>> BY_KEY = index(RunOption::key);

    private RunOptions() {}

    private static Map<String, RunOption<?>> index(Function<RunOption<?>, String> name) {
        Map<String, RunOption<?>> m = new LinkedHashMap<>();
        for (RunOption<?> o : ALL) {
            String n = name.apply(o);
            if (n != null && m.put(n, o) != null) {
                throw new IllegalStateException("two run options are called " + n);
            }
        }
        return Map.copyOf(m);
    }

    /** The option whose body field is {@code field}. */
    public static Optional<RunOption<?>> byWire(String field) {
        return Optional.ofNullable(BY_WIRE.get(field));
    }

    /** The option whose CLI flag is {@code flag} ({@code --ring-bytes}). */
    public static Optional<RunOption<?>> byFlag(String flag) {
        return Optional.ofNullable(BY_FLAG.get(flag));
    }

    /** The option whose apps-file key is {@code key} ({@code ring-bytes}). */
    public static Optional<RunOption<?>> byKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }
}
