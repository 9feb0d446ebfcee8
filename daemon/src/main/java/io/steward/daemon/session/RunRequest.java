package io.steward.daemon.session;

import io.steward.api.ErrorCode;
import io.steward.api.RunOptions;
import io.steward.api.RunRequestBody;
import io.steward.api.StewardException;
import io.steward.core.Observe;
import io.steward.core.ProcessSpec;
import io.steward.sys.Signal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A run request as the daemon acts on it: the body of {@code POST /v1/sessions}, read and checked
 * by {@link RunRequestBody#fromJson} against the table of run options, plus what only the daemon
 * can check (a name that looks like an id, a path this JVM cannot name, a signal this host does not
 * have), turned into the spec to spawn and the session's limits.
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
 * @param reloadSignal what {@code reload} sends to its main process
 * @param options the request as it came, kept to start the same session again ({@code resurrect})
 */
public record RunRequest(ProcessSpec spec, String name, String label, Duration maxLifetime, Duration idleTimeout,
        Duration retain, Duration grace, boolean notifySocket, Duration watchdog, Duration stallAfter, Duration startTimeout, StallAction onStall,
        RestartPolicy restart, boolean logFile, Signal reloadSignal, RunRequestBody options) {

    static final Duration DEFAULT_RETAIN = RunOptions.RETAIN.defaultValue();
    public static final Duration DEFAULT_GRACE = RunOptions.GRACE.defaultValue();
    /** systemd's default {@code TimeoutStartSec=}. */
    static final Duration DEFAULT_START_TIMEOUT = RunOptions.START_TIMEOUT.defaultValue();

    public static RunRequest parse(Map<String, Object> raw) {
        return of(RunRequestBody.fromJson(raw));
    }

    private static RunRequest of(RunRequestBody body) {
        ProcessSpec.Builder b = ProcessSpec.builder(body.argv());
        if (body.effective(RunOptions.PTY)) {
            b.pty(body.effective(RunOptions.ROWS), body.effective(RunOptions.COLS));
        }
        if (body.cwd() != null) {
            b.cwd(directory(body.cwd()));
        }
        if (body.env() != null) {
            b.env(body.env());
        }
        b.clearEnv(body.effective(RunOptions.CLEAR_ENV));
        b.mergeStderr(body.effective(RunOptions.MERGE_STDERR));
        b.ringBytes(body.effective(RunOptions.RING_BYTES));
        b.overflow(body.effective(RunOptions.OVERFLOW));
        java.util.EnumSet<Observe> observe = java.util.EnumSet.noneOf(Observe.class);
        for (String c : body.effectiveObserve()) {
            observe.add(Observe.valueOf(c.toUpperCase(java.util.Locale.ROOT)));
        }
        b.observe(observe);
        if (body.name() != null && SessionIds.isFullId(body.name())) {
            throw invalid("name: must not look like a session id");
        }
        StallAction onStall = StallAction.parse(body.effective(RunOptions.ON_STALL));
        if (body.watchdog() != null) {
            b.pidVariable("WATCHDOG_PID");
        }
        String reload = body.effective(RunOptions.RELOAD_SIGNAL);
        Signal reloadSignal = Signal.parse(reload).orElseThrow(() -> invalid("reloadSignal: unknown signal '" + reload + "'"));
        RestartPolicy restart = RestartPolicy.of(body.effective(RunOptions.RESTART), body.maxRestarts(),
                body.effective(RunOptions.RESTART_WINDOW));
        return new RunRequest(b.build(), body.name(), body.label(), body.maxLifetime(), body.idleTimeout(),
                body.effective(RunOptions.RETAIN), body.effective(RunOptions.GRACE),
                body.effective(RunOptions.NOTIFY), body.watchdog(), body.stallAfter(), body.startTimeout(), onStall,
                restart, body.effective(RunOptions.LOG_FILE), reloadSignal, body);
    }

    /** Restart (or stop) it when its whole tree's resident memory stays above this; null for no limit. */
    public Long maxMemory() {
        return options.maxMemory();
    }

    /** The request as JSON, as it came (what was left out stays out): what an app keeps to start again. */
    public Map<String, Object> body() {
        return options.toJson();
    }

    /**
     * The working directory (absolute, as its option's type has checked), and a path this JVM can
     * name (its file name encoding may be narrower than UTF-8). Whether it exists is the spawn's to
     * say, with its errno.
     */
    private static Path directory(String cwd) {
        try {
            return Path.of(cwd);
        } catch (InvalidPathException e) {
            throw invalid("cwd: not a usable path: " + e.getReason());
        }
    }

    /** The session's heartbeat state as these options ask for it. */
    public Vitals vitals() {
        Duration threshold = stallAfter != null ? stallAfter : watchdog;
        return new Vitals(threshold != null ? threshold.toNanos() : 0,
                orDefault(startTimeout, DEFAULT_START_TIMEOUT).toNanos(), watchdog != null ? watchdog.toNanos() / 1000 : 0,
                onStall, notifySocket);
    }

    /** Whether the session gets an sd_notify socket: asked for, or needed by the watchdog. */
    public boolean needsNotifySocket() {
        return notifySocket || watchdog != null;
    }

    private static Duration orDefault(Duration d, Duration dflt) {
        return d != null ? d : dflt;
    }

    static StewardException invalid(String message) {
        return new StewardException(ErrorCode.INVALID_INPUT, message);
    }
}
